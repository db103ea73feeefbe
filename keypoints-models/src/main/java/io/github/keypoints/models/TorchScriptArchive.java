package io.github.keypoints.models;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript archive, as {@code torch.jit.save} lays one out: its code, its attributes ({@code
 * training = True}, no backward hook, and any number of lists of tensors, empty), its constants
 * (float tensors the code reads as {@code CONSTANTS.c0}, {@code CONSTANTS.c1}, …, as in a frozen
 * module) and the format version. DJL's PyTorch engine loads it like any TorchScript file ({@code
 * Model.load(InputStream)}), so the library can run code of its own on libtorch's JIT without
 * Python: the TorchScript modules of keypoints-models' networks ({@code TorchScriptForward}, the
 * prepacked and the fused forms), Adam's fused update in keypoints-train.
 *
 * <p>The code is the module's {@code code/__torch__.py}: a class {@code Net(Module)} in
 * TorchScript's serialised dialect that declares {@code training : bool}, {@code
 * _is_full_backward_hook : NoneType} and each tensor-list attribute. A value, immutable.
 */
public final class TorchScriptArchive {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * The first lines of a module's code: {@code class Net(Module)}, no parameters or buffers, and
     * the two attributes every archive's pickle sets ({@code training}, {@code
     * _is_full_backward_hook}); the code goes on with its tensor-list attributes and {@code
     * forward}.
     */
    public static final String HEADER =
            "class Net(Module):\n"
                    + "  __parameters__ = []\n"
                    + "  __buffers__ = []\n"
                    + "  training : bool\n"
                    + "  _is_full_backward_hook : NoneType\n";

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
        return of(code, tensorLists, List.of());
    }

    /**
     * A float tensor among a module's constants: its shape and its values in row-major order.
     *
     * @param shape the shape
     * @param values the values, as many as the shape holds (not copied: do not change them)
     */
    public record Constant(long[] shape, float[] values) {

        /**
         * Checks that the values fill the shape.
         *
         * @throws IllegalArgumentException if they do not
         */
        public Constant {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(
                            "negative dimension in " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException(
                        "shape "
                                + Arrays.toString(shape)
                                + " holds "
                                + n
                                + " values, got "
                                + values.length);
            }
        }
    }

    /**
     * Writes the archive of module {@code __torch__.Net} with constants.
     *
     * @param code the module's source, a class {@code Net(Module)}; constant {@code i} is {@code
     *     CONSTANTS.ci} in it
     * @param tensorLists the names of the module's tensor-list attributes, each written empty
     * @param constants the constants, in order
     * @return the archive
     * @throws IllegalArgumentException if the code is blank or an attribute is not an identifier
     */
    public static TorchScriptArchive of(
            String code, List<String> tensorLists, List<Constant> constants) {
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
            StoredZip.put(zip, "archive/constants.pkl", constants(constants));
            for (int i = 0; i < constants.size(); i++) {
                float[] v = constants.get(i).values();
                ByteBuffer b =
                        ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                StoredZip.put(zip, "archive/constants/" + i, b.array());
            }
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

    /**
     * The pickle of the constants' tuple (protocol 2): each a {@code
     * torch._utils._rebuild_tensor_v2} of a float storage {@code constants/i}, contiguous, not
     * requiring gradients.
     */
    private static byte[] constants(List<Constant> constants) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80); // PROTO 2
        p.write(2);
        p.write('('); // MARK: the tuple
        for (int i = 0; i < constants.size(); i++) {
            long[] shape = constants.get(i).shape();
            global(p, "torch._utils", "_rebuild_tensor_v2");
            p.write('('); // MARK: its arguments
            p.write('('); // MARK: the storage's persistent id
            unicode(p, "storage");
            global(p, "torch", "FloatStorage");
            unicode(p, Integer.toString(i));
            unicode(p, "cpu");
            integer(p, constants.get(i).values().length);
            p.write('t'); // TUPLE
            p.write('Q'); // BINPERSID
            integer(p, 0); // storage offset
            p.write('(');
            for (long d : shape) {
                integer(p, d);
            }
            p.write('t'); // size
            p.write('(');
            long stride = 1;
            long[] strides = new long[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                strides[d] = stride;
                stride *= Math.max(1, shape[d]);
            }
            for (long s : strides) {
                integer(p, s);
            }
            p.write('t'); // stride
            p.write(0x89); // NEWFALSE: requires_grad
            global(p, "collections", "OrderedDict");
            p.write(')'); // EMPTY_TUPLE
            p.write('R'); // REDUCE: backward hooks
            p.write('t'); // TUPLE: the arguments
            p.write('R'); // REDUCE: the tensor
        }
        p.write('t'); // TUPLE
        p.write('.'); // STOP
        return p.toByteArray();
    }

    /** BININT: a signed 4-byte little-endian integer. */
    private static void integer(ByteArrayOutputStream p, long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too large for a constant: " + value);
        }
        p.write('J');
        littleEndian(p, (int) value);
    }

    private static void global(ByteArrayOutputStream p, String module, String name) {
        p.write('c');
        p.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void unicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write('X'); // BINUNICODE, little-endian length
        littleEndian(p, b.length);
        p.writeBytes(b);
    }

    /** Four bytes, the least significant first, as pickle's BININT and lengths are written. */
    private static void littleEndian(ByteArrayOutputStream p, int v) {
        p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }
}
