package io.github.keypoints.models;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript archive, as {@code torch.jit.save} lays one out, for a module that holds no
 * tensors: its code, its attributes ({@code training = True}, no backward hook, and any number of
 * lists of tensors, empty), the constants and the format version. DJL's PyTorch engine loads it
 * like any TorchScript file ({@code Model.load(InputStream)}), so the library can run code of its
 * own on libtorch's JIT without Python: the experimental TorchScript stacks of keypoints-models
 * ({@code -Dkeypoints.torchScript=true}), Adam's fused update in keypoints-train.
 *
 * <p>The code is the module's {@code code/__torch__.py}: a class {@code Net(Module)} in
 * TorchScript's serialised dialect that declares {@code training : bool}, {@code
 * _is_full_backward_hook : NoneType} and each tensor-list attribute. A value, immutable.
 */
public final class TorchScriptArchive {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final byte[] bytes;

    private TorchScriptArchive(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Writes the archive of module {@code __torch__.Net}.
     *
     * @param code the module's source, a class {@code Net(Module)}
     * @param tensorLists the names of the module's tensor-list attributes, each written empty
     * @return the archive
     * @throws IllegalArgumentException if the code is blank or an attribute is not an identifier
     */
    public static TorchScriptArchive of(String code, List<String> tensorLists) {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("the module's code is empty");
        }
        for (String name : tensorLists) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not an attribute name: " + name);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            StoredZip.put(zip, "archive/data.pkl", attributes(tensorLists));
            StoredZip.put(zip, "archive/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            // An empty tuple: protocol 2, EMPTY_TUPLE, STOP.
            StoredZip.put(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            StoredZip.put(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TorchScriptArchive(out.toByteArray());
    }

    /**
     * The archive's bytes, a stored zip.
     *
     * @return a copy of the bytes
     */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The pickle of {@code __torch__.Net} with {@code training = True}, {@code
     * _is_full_backward_hook = None} and each tensor list empty (protocol 2).
     */
    private static byte[] attributes(List<String> tensorLists) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80); // PROTO 2
        p.write(2);
        global(p, "__torch__", "Net");
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        p.write('('); // MARK
        unicode(p, "training");
        p.write(0x88); // NEWTRUE
        unicode(p, "_is_full_backward_hook");
        p.write('N'); // NONE
        for (String name : tensorLists) {
            unicode(p, name);
            global(p, "torch.jit._pickle", "build_tensorlist");
            p.write('('); // MARK
            p.write(']'); // EMPTY_LIST
            p.write('('); // MARK
            p.write('e'); // APPENDS (none)
            p.write('t'); // TUPLE
            p.write('R'); // REDUCE
        }
        p.write('u'); // SETITEMS
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }

    private static void global(ByteArrayOutputStream p, String module, String name) {
        p.write('c');
        p.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void unicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write('X'); // BINUNICODE, little-endian length
        p.write(b.length & 0xff);
        p.write((b.length >>> 8) & 0xff);
        p.write((b.length >>> 16) & 0xff);
        p.write((b.length >>> 24) & 0xff);
        p.writeBytes(b);
    }
}
