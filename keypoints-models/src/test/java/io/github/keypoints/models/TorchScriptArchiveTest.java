package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The archive's layout, its constants as libtorch reads them, and its refusals; that libtorch runs
 * the library's modules is tested by their users ({@code TorchScriptForwardTest}, keypoints-train's
 * {@code TorchFusedAdamTest}).
 */
class TorchScriptArchiveTest {

    private static final String CODE =
            TorchScriptArchive.HEADER
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

    /**
     * A name of 256 bytes or more keeps its length's higher bytes (pickle's BINUNICODE: four bytes,
     * little-endian); the zoo's names are shorter, so only this test sees them.
     */
    @Test
    void aLongNameKeepsAllFourBytesOfItsLength() throws IOException {
        String name = "t" + "_".repeat(69_999);
        byte[] bytes = TorchScriptArchive.of(CODE, List.of(name)).bytes();
        String pickle = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                byte[] data = zip.readAllBytes();
                if (e.getName().endsWith("data.pkl")) {
                    pickle = new String(data, StandardCharsets.ISO_8859_1);
                }
            }
        }
        // 70,000 = 0x011170
        assertThat(pickle)
                .contains("X" + (char) 0x70 + (char) 0x11 + (char) 0x01 + (char) 0 + name);
    }

    /**
     * Constants are the module's {@code CONSTANTS.ci}: libtorch loads them with their shapes and
     * values (a matrix and a vector, an affine map of the input), and each is a stored record.
     */
    @Test
    void constantsAreTheModulesConstants() throws Exception {
        String code =
                CODE.replace(
                        "return x",
                        "return torch.add(torch.matmul(CONSTANTS.c0, x), CONSTANTS.c1)");
        float[] matrix = {1, 2, 3, 4, 5, 6};
        byte[] bytes =
                TorchScriptArchive.of(
                                code,
                                List.of(),
                                List.of(
                                        new TorchScriptArchive.Constant(new long[] {2, 3}, matrix),
                                        new TorchScriptArchive.Constant(
                                                new long[] {2}, new float[] {0.5f, -1})))
                        .bytes();
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names).contains("archive/constants/0", "archive/constants/1");
        try (Model model = Model.newInstance("constants", Device.cpu(), "PyTorch")) {
            model.load(new ByteArrayInputStream(bytes));
            NDManager m = model.getNDManager();
            NDArray y =
                    model.getBlock()
                            .forward(
                                    new ParameterStore(m, false),
                                    new NDList(m.create(new float[] {1, -1, 2})),
                                    false)
                            .singletonOrThrow();
            // [1 - 2 + 6, 4 - 5 + 12] + [0.5, -1]
            assertThat(y.toFloatArray()).containsExactly(5.5f, 10f);
        }
    }

    @Test
    void aConstantsValuesMustFillItsShape() {
        assertThatThrownBy(() -> new TorchScriptArchive.Constant(new long[] {2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3] holds 6 values, got 5");
        assertThatThrownBy(() -> new TorchScriptArchive.Constant(new long[] {-1}, new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
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
