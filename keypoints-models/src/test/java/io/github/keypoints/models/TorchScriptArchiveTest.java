package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The archive's layout and its refusals; that libtorch loads and runs such archives is tested by
 * their users ({@code TorchScriptForwardTest}, keypoints-train's {@code TorchFusedAdamTest}).
 */
class TorchScriptArchiveTest {

    private static final String CODE =
            "class Net(Module):\n"
                    + "  __parameters__ = []\n"
                    + "  __buffers__ = []\n"
                    + "  training : bool\n"
                    + "  _is_full_backward_hook : NoneType\n"
                    + "  def forward(self: __torch__.Net,\n"
                    + "    x: Tensor) -> Tensor:\n"
                    + "    return x\n";

    @Test
    void isAStoredZipOfCodeAttributesConstantsAndVersion() throws IOException {
        byte[] bytes = TorchScriptArchive.of(CODE, List.of("packed")).bytes();
        List<String> names = new ArrayList<>();
        String code = null;
        String pickle = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
                assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
                byte[] data = zip.readAllBytes();
                if (e.getName().endsWith("__torch__.py")) {
                    code = new String(data, StandardCharsets.UTF_8);
                } else if (e.getName().endsWith("data.pkl")) {
                    pickle = new String(data, StandardCharsets.ISO_8859_1);
                }
            }
        }
        assertThat(names)
                .containsExactly(
                        "archive/data.pkl",
                        "archive/code/__torch__.py",
                        "archive/constants.pkl",
                        "archive/version");
        assertThat(code).isEqualTo(CODE);
        assertThat(pickle).contains("__torch__\nNet\n", "training", "packed", "build_tensorlist");
        assertThat(TorchScriptArchive.of(CODE, List.of()).bytes().length)
                .as("no tensor lists, a shorter pickle")
                .isLessThan(bytes.length);
    }

    @Test
    void bytesAreACopy() {
        TorchScriptArchive a = TorchScriptArchive.of(CODE, List.of());
        byte[] first = a.bytes();
        first[0] ^= 1;
        assertThat(a.bytes()).isNotEqualTo(first);
    }

    @Test
    void refusesEmptyCodeAndAttributeNamesThatAreNotIdentifiers() {
        assertThatThrownBy(() -> TorchScriptArchive.of(" ", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("code is empty");
        assertThatThrownBy(() -> TorchScriptArchive.of(CODE, List.of("two words")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two words");
    }
}
