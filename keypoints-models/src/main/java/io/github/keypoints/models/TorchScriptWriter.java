package io.github.keypoints.models;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes a network's frozen forward pass as the code of a TorchScript module ({@link
 * TorchScriptForward}): convolutions on oneDNN with weights prepacked once ({@code
 * mkldnn._convolution_pointwise}, its ReLU and, for a residual sum, its addition fused), pooling,
 * dense layers. Each method adds one operation to the module's {@code forward} and answers the name
 * of its result; {@link #build} wraps the code into the module. The arguments of {@code forward}
 * after the input are the parameters (or a fold's arrays) in the order the operations were written.
 * The network's own forward pass is what the code must compute; {@link TorchScriptForward} checks
 * it for every new input shape.
 */
final class TorchScriptWriter {

    /**
     * The system property that, set to {@code false}, writes residual sums out of place ({@link
     * #convolutionAdd}), read when a module is written: for side-by-side timing in one process.
     */
    static final String IN_PLACE_SUM_PROPERTY = "keypoints.torchScript.inPlaceSum";

    /**
     * The system property that, set to {@code false}, writes the heatmap networks' 1×1 head as a
     * oneDNN convolution (channels-last maps) instead of {@link #pointwiseRowMajor}; read when a
     * module is written.
     */
    static final String HEAD_PRODUCT_PROPERTY = "keypoints.torchScript.headProduct";

    /**
     * Whether a heatmap network's head is written as {@link #pointwiseRowMajor} (the default).
     *
     * @return {@code false} only when {@value #HEAD_PRODUCT_PROPERTY} is {@code false}
     */
    static boolean isHeadProduct() {
        return Switches.isOn(HEAD_PRODUCT_PROPERTY);
    }

    private final boolean inPlaceSums = Switches.isOn(IN_PLACE_SUM_PROPERTY);
    private final List<TorchScriptForward.Slot> slots = new ArrayList<>();
    private final List<String> packs = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();

    /**
     * The same pass for libtorch's oneDNN Graph fuser ({@link TorchGraphFuser}): plain ATen
     * operations ({@code torch._convolution}, {@code torch.relu}, {@code torch.add}, {@code
     * torch.max_pool2d}, …) on the weights as constants, no zero channels, no prepacking — the
     * fuser lays the weights out itself, once per compiled partition.
     */
    private final StringBuilder fusedBody = new StringBuilder();

    private int names;

    /**
     * Per name, the channels a convolution's output really has, where the module gives it zero
     * channels after them ({@link #convolution(BatchNormFold, String, boolean, int)}).
     */
    private final Map<String, Padding> padded = new HashMap<>();

    /**
     * The channels an output really has and the zero channels after them.
     *
     * @param channels the real channels
     * @param zeros the zero channels after them
     */
    private record Padding(int channels, int zeros) {}

    /**
     * The module's input.
     *
     * @return its name in the code
     */
    String input() {
        return "x";
    }

    /**
     * A folded convolution (the convolution and its batch norm as one, {@link BatchNormFold}), with
     * a ReLU after it or not.
     *
     * @param fold the fold
     * @param x the input's name
     * @param relu whether a ReLU follows
     * @return the output's name
     */
    String convolution(BatchNormFold fold, String x, boolean relu) {
        return convolution(fold, x, relu, 0);
    }

    /**
     * A folded convolution, its output given {@code zeroChannels} channels of zeros after its own
     * (zero filters, zero bias), which the next convolution reads with zero weights: the same
     * values, with a channel count that is a multiple of oneDNN's vector width ({@link #sequence}).
     * Operations other than ReLU, pooling and convolution see the real channels only.
     *
     * @param fold the fold
     * @param x the input's name
     * @param relu whether a ReLU follows
     * @param zeroChannels how many zero channels to add to the output (0 for none)
     * @return the output's name
     */
    String convolution(BatchNormFold fold, String x, boolean relu, int zeroChannels) {
        String weight = slot(new TorchScriptForward.Slot(null, fold, 0));
        String bias = slot(new TorchScriptForward.Slot(null, fold, 1));
        return convolution(fold.convolution(), weight, bias, x, null, false, relu, zeroChannels);
    }

    /**
     * A convolution, with its bias if it has one, with a ReLU after it or not.
     *
     * @param conv the convolution (2-D)
     * @param x the input's name
     * @param relu whether a ReLU follows
     * @return the output's name
     */
    String convolution(Conv2d conv, String x, boolean relu) {
        return convolution(conv, x, relu, 0);
    }

    /**
     * A convolution with zero channels after its output's, as {@link #convolution(BatchNormFold,
     * String, boolean, int)}.
     *
     * @param conv the convolution (2-D)
     * @param x the input's name
     * @param relu whether a ReLU follows
     * @param zeroChannels how many zero channels to add to the output (0 for none)
     * @return the output's name
     */
    String convolution(Conv2d conv, String x, boolean relu, int zeroChannels) {
        String weight =
                slot(new TorchScriptForward.Slot(conv.getParameters().get("weight"), null, 0));
        String bias =
                conv.isIncludeBias()
                        ? slot(
                                new TorchScriptForward.Slot(
                                        conv.getParameters().get("bias"), null, 0))
                        : "None";
        return convolution(conv, weight, bias, x, null, false, relu, zeroChannels);
    }

    /**
     * A folded convolution whose output is added to {@code other} (a residual sum), with a ReLU
     * after the sum or not: one oneDNN convolution with the addition as a post-operation.
     *
     * <p>The sum is written into {@code other}'s memory ({@code mkldnn._convolution_pointwise_}, in
     * place) when {@code other} is an array this module computed and has no zero channels: oneDNN
     * adds a convolution to what its output already holds, so the out-of-place form first copies
     * {@code other} into a new output (ResNet-18: eight copies per pass). The caller must not read
     * {@code other} after this operation; the module's input is never overwritten. {@code
     * -Dkeypoints.torchScript.inPlaceSum=false} keeps the out-of-place form.
     *
     * @param fold the fold
     * @param x the input's name
     * @param other the name of the array added to the convolution's output (same shape)
     * @param relu whether a ReLU follows the sum
     * @return the output's name
     */
    String convolutionAdd(BatchNormFold fold, String x, String other, boolean relu) {
        String weight = slot(new TorchScriptForward.Slot(null, fold, 0));
        String bias = slot(new TorchScriptForward.Slot(null, fold, 1));
        boolean inPlace = inPlaceSums && !other.equals(input()) && !padded.containsKey(other);
        return convolution(fold.convolution(), weight, bias, x, real(other), inPlace, relu, 0);
    }

    private String convolution(
            Conv2d conv,
            String weight,
            String bias,
            String x,
            String other,
            boolean inPlace,
            boolean relu,
            int zeroChannels) {
        // Zero input channels (the producer's padding) and zero filters, once, when packing.
        int zeroInputs = padded.containsKey(x) ? padded.get(x).zeros() : 0;
        String w = weight;
        String b = bias;
        if (zeroInputs > 0 || zeroChannels > 0) {
            w =
                    "torch.constant_pad_nd("
                            + weight
                            + ", [0, 0, 0, 0, 0, "
                            + zeroInputs
                            + ", 0, "
                            + zeroChannels
                            + "])";
        }
        if (zeroChannels > 0 && !"None".equals(bias)) {
            packs.add("torch.constant_pad_nd(" + bias + ", [0, " + zeroChannels + "])");
            b = "packed[" + (packs.size() - 1) + "]";
        }
        String geometry =
                ints(conv.getPadding().getShape())
                        + ", "
                        + ints(conv.getStride().getShape())
                        + ", "
                        + ints(conv.getDilation().getShape())
                        + ", "
                        + conv.getGroups();
        packs.add("ops.mkldnn._reorder_convolution_weight(" + w + ", " + geometry + ", None)");
        String aten =
                "torch._convolution("
                        + String.join(
                                ", ",
                                x,
                                weight,
                                bias,
                                ints(conv.getStride().getShape()),
                                ints(conv.getPadding().getShape()),
                                ints(conv.getDilation().getShape()),
                                "False, [0, 0]",
                                Integer.toString(conv.getGroups()),
                                "False, False, True, True")
                        + ")";
        if (other != null) {
            aten = "torch.add(" + aten + ", " + other + ")";
        }
        String packed = "packed[" + (packs.size() - 1) + "]";
        String unary = relu ? "\"relu\"" : "\"none\"";
        String scalars = "annotate(List[Optional[number]], [])";
        String y = name();
        fusedLine(y + " = " + (relu ? "torch.relu(" + aten + ")" : aten));
        if (other == null) {
            bodyLine(
                    y
                            + " = ops.mkldnn._convolution_pointwise("
                            + String.join(", ", x, packed, b, geometry, unary, scalars, "None")
                            + ")");
        } else if (inPlace) {
            // In place: the sum lands in other's memory, which nothing reads afterwards.
            bodyLine(
                    y
                            + " = ops.mkldnn._convolution_pointwise_("
                            + String.join(
                                    ", ", other, x, packed, b, geometry, "\"add\"", "None", unary,
                                    scalars, "None")
                            + ")");
        } else {
            bodyLine(
                    y
                            + " = ops.mkldnn._convolution_pointwise("
                            + String.join(
                                    ", ", x, other, packed, b, geometry, "\"add\"", "None", unary,
                                    scalars, "None")
                            + ")");
        }
        if (zeroChannels > 0) {
            padded.put(y, new Padding(conv.getFilters(), zeroChannels));
        }
        return y;
    }

    /** The next multiple of oneDNN's widest vector of floats (16). */
    static int roundUp(int channels) {
        return (channels + 15) / 16 * 16;
    }

    /** {@code name} without the zero channels the module added, if any. */
    private String real(String name) {
        Padding p = padded.get(name);
        if (p == null) {
            return name;
        }
        String y = name();
        bodyLine(y + " = torch.slice(" + name + ", 1, 0, " + p.channels() + ")");
        fusedLine(y + " = " + name); // the fused pass has no zero channels
        return y;
    }

    /** Records that {@code y} carries {@code x}'s zero channels (ReLU and pooling keep them). */
    private String same(String x, String y) {
        Padding p = padded.get(x);
        if (p != null) {
            padded.put(y, p);
        }
        return y;
    }

    /**
     * Max pooling over 2×2 windows with stride 2 (floor mode), as the library pools in inference:
     * the element-wise maximum of the window's four strided slices (libtorch's {@code max_pool2d}
     * also records indices).
     *
     * @param x the input's name
     * @return the output's name
     */
    String maxPoolTwoByTwo(String x) {
        String y = name();
        String h = y + "h";
        String w = y + "w";
        bodyLine(h + " = torch.floordiv(torch.size(" + x + ", 2), 2) * 2");
        bodyLine(w + " = torch.floordiv(torch.size(" + x + ", 3), 2) * 2");
        String[] taps = new String[4];
        for (int t = 0; t < 4; t++) {
            taps[t] =
                    "torch.slice(torch.slice("
                            + x
                            + ", 2, "
                            + (t / 2)
                            + ", "
                            + h
                            + ", 2), 3, "
                            + (t % 2)
                            + ", "
                            + w
                            + ", 2)";
        }
        fusedLine(y + " = torch.max_pool2d(" + x + ", [2, 2], [2, 2], [0, 0], [1, 1], False)");
        bodyLine(
                y
                        + " = torch.maximum(torch.maximum("
                        + taps[0]
                        + ", "
                        + taps[1]
                        + "), torch.maximum("
                        + taps[2]
                        + ", "
                        + taps[3]
                        + "))");
        return same(x, y);
    }

    /**
     * Max pooling over square windows, as libtorch's {@code max_pool2d} computes it.
     *
     * @param x the input's name
     * @param kernel the window's side
     * @param stride the step between windows
     * @param padding the padding on each side
     * @param ceilMode whether the output size rounds up
     * @return the output's name
     */
    String maxPool(String x, int kernel, int stride, int padding, boolean ceilMode) {
        String y = name();
        line(
                y
                        + " = torch.max_pool2d("
                        + x
                        + ", "
                        + ints(new long[] {kernel, kernel})
                        + ", "
                        + ints(new long[] {stride, stride})
                        + ", "
                        + ints(new long[] {padding, padding})
                        + ", [1, 1], "
                        + (ceilMode ? "True" : "False")
                        + ")");
        return same(x, y);
    }

    /**
     * Nearest-neighbour up-sampling by 2 in both directions.
     *
     * @param x the input's name
     * @return the output's name
     */
    String upsampleTwice(String x) {
        x = real(x);
        String y = name();
        line(
                y
                        + " = torch.upsample_nearest2d("
                        + x
                        + ", [torch.mul(torch.size("
                        + x
                        + ", 2), 2), torch.mul(torch.size("
                        + x
                        + ", 3), 2)], None, None)");
        return y;
    }

    /**
     * The top-left part of {@code x} of {@code like}'s height and width.
     *
     * @param x the input's name
     * @param like the name of the array whose size is kept
     * @return the output's name
     */
    String cropLike(String x, String like) {
        x = real(x);
        String y = name();
        line(
                y
                        + " = torch.slice(torch.slice("
                        + x
                        + ", 2, 0, torch.size("
                        + like
                        + ", 2)), 3, 0, torch.size("
                        + like
                        + ", 3))");
        return y;
    }

    /**
     * Two arrays joined along the channels, {@code first}'s first.
     *
     * @param first the first array's name
     * @param second the second array's name
     * @return the output's name
     */
    String concatChannels(String first, String second) {
        first = real(first);
        second = real(second);
        String y = name();
        line(y + " = torch.cat([" + first + ", " + second + "], 1)");
        return y;
    }

    /**
     * A ReLU.
     *
     * @param x the input's name
     * @return the output's name
     */
    String relu(String x) {
        String y = name();
        line(y + " = torch.relu(" + x + ")");
        return same(x, y);
    }

    /**
     * Flattening to {@code batch × features}.
     *
     * @param x the input's name
     * @return the output's name
     */
    String flatten(String x) {
        x = real(x);
        String y = name();
        line(y + " = torch.flatten(" + x + ", 1)");
        return y;
    }

    /**
     * Global average pooling, flattened to {@code batch × channels}.
     *
     * @param x the input's name
     * @return the output's name
     */
    String globalAvgPoolFlat(String x) {
        x = real(x);
        String y = name();
        line(y + " = torch.flatten(torch.adaptive_avg_pool2d(" + x + ", [1, 1]), 1)");
        return y;
    }

    /**
     * A 1×1 convolution with its bias, as one matrix product whose output is row-major ({@code [B,
     * N, h, w]} in that order in memory), whatever the input's layout. A heatmap network's
     * soft-argmax decode takes softmaxes along rows of {@code h·w} cells; from the oneDNN
     * convolution's channels-last maps libtorch first copied every map into a row (0.65 ms of the
     * 120×90 heatmap network's 6 ms pass under libtorch's profiler).
     *
     * @param conv the convolution (1×1, stride 1, no padding, one group)
     * @param x the input's name
     * @return the output's name
     */
    String pointwiseRowMajor(Conv2d conv, String x) {
        long[] one = {1, 1};
        if (!Arrays.equals(conv.getKernelShape().getShape(), one)
                || !Arrays.equals(conv.getStride().getShape(), one)
                || !Arrays.equals(conv.getDilation().getShape(), one)
                || !Arrays.equals(conv.getPadding().getShape(), new long[] {0, 0})
                || conv.getGroups() != 1) {
            throw new IllegalArgumentException(
                    "A matrix-product head needs a 1x1 convolution with stride 1, no padding and"
                            + " one group, got kernel "
                            + conv.getKernelShape()
                            + ", stride "
                            + conv.getStride()
                            + ", padding "
                            + conv.getPadding()
                            + ", groups "
                            + conv.getGroups());
        }
        x = real(x);
        String weight =
                slot(new TorchScriptForward.Slot(conv.getParameters().get("weight"), null, 0));
        String y = name();
        String cells = y + "c";
        line(
                cells
                        + " = torch.reshape(torch.permute("
                        + x
                        + ", [0, 2, 3, 1]), [torch.size("
                        + x
                        + ", 0), -1, torch.size("
                        + x
                        + ", 1)])");
        String product =
                "torch.matmul(torch.flatten("
                        + weight
                        + ", 1), torch.transpose("
                        + cells
                        + ", 1, 2))";
        if (conv.isIncludeBias()) {
            String bias =
                    slot(new TorchScriptForward.Slot(conv.getParameters().get("bias"), null, 0));
            product = "torch.add(" + product + ", torch.unsqueeze(" + bias + ", 1))";
        }
        line(
                y
                        + " = torch.reshape("
                        + product
                        + ", [torch.size("
                        + x
                        + ", 0), -1, torch.size("
                        + x
                        + ", 2), torch.size("
                        + x
                        + ", 3)])");
        return y;
    }

    /**
     * A dense layer with its bias.
     *
     * @param linear the layer (with a bias, as the zoo's dense layers have)
     * @param x the input's name
     * @return the output's name
     */
    String linear(Linear linear, String x) {
        x = real(x);
        String weight =
                slot(new TorchScriptForward.Slot(linear.getParameters().get("weight"), null, 0));
        String bias =
                slot(new TorchScriptForward.Slot(linear.getParameters().get("bias"), null, 0));
        String y = name();
        line(y + " = torch.linear(" + x + ", " + weight + ", " + bias + ")");
        return y;
    }

    /**
     * The module whose {@code forward} returns {@code output}.
     *
     * @param network the network the module computes
     * @param output the name of the output
     * @return the module, not loaded until its first pass
     */
    TorchScriptForward build(Block network, String output) {
        String result = real(output);
        StringBuilder code = new StringBuilder();
        code.append(TorchScriptArchive.HEADER)
                .append("  packed : List[Tensor]\n")
                .append("  def forward(self: __torch__.Net,\n")
                .append("    x: Tensor");
        for (int s = 0; s < slots.size(); s++) {
            code.append(",\n    p").append(s).append(": Tensor");
        }
        code.append(") -> Tensor:\n")
                .append("    packed = self.packed\n")
                .append("    if torch.eq(torch.len(packed), 0):\n")
                .append("      packed = [")
                .append(String.join(", ", packs))
                .append("]\n")
                .append("      self.packed = packed\n")
                .append("    else:\n")
                .append("      pass\n")
                .append(body)
                .append("    return ")
                .append(result)
                .append("\n");
        String fused =
                TorchScriptArchive.HEADER
                        + "  def forward(self: __torch__.Net,\n"
                        + "    x: Tensor) -> Tensor:\n"
                        + SLOT.matcher(fusedBody).replaceAll("CONSTANTS.c$1")
                        + "    return "
                        + result
                        + "\n";
        return new TorchScriptForward(network, code.toString(), fused, slots);
    }

    /**
     * The module of a chain of layers — those of the zoo's stacks, dropout left out — or empty if a
     * layer is of another kind.
     *
     * @param network the network the chain makes up
     * @param blocks the layers in the order they run
     * @param folds per layer, the fold that starts at it or {@code null} ({@link
     *     BatchNormFold#chain})
     * @return the module, not loaded until its first pass, or empty
     */
    static Optional<TorchScriptForward> sequence(
            Block network, List<Block> blocks, List<BatchNormFold> folds) {
        TorchScriptWriter w = new TorchScriptWriter();
        String x = w.input();
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            BatchNormFold fold = folds.get(i);
            if (fold != null || b instanceof Conv2d) {
                Conv2d conv = fold != null ? fold.convolution() : (Conv2d) b;
                if (conv.getKernelShape().dimension() != 2) {
                    return Optional.empty();
                }
                if (fold != null) {
                    i++; // the batch norm is inside the fold
                }
                boolean relu = i + 1 < blocks.size() && ShapedLambda.isRelu(blocks.get(i + 1));
                if (relu) {
                    i++;
                }
                // An output whose channels are not a multiple of oneDNN's vector width, read by
                // another convolution, gets zero channels up to the next multiple: the next
                // convolution's input is then never padded by oneDNN's reorder, whose kernels
                // computed some such convolutions wrong on the project's AMD EPYC.
                int zeros =
                        feedsConvolution(blocks, folds, i + 1)
                                        && conv.getFilters() > 16
                                        && conv.getFilters() % 16 != 0
                                ? roundUp(conv.getFilters()) - conv.getFilters()
                                : 0;
                x =
                        fold != null
                                ? w.convolution(fold, x, relu, zeros)
                                : w.convolution(conv, x, relu, zeros);
            } else if (b instanceof Linear linear) {
                if (linear.getParameters().get("bias") == null) {
                    return Optional.empty(); // the zoo's dense layers all have one
                }
                x = w.linear(linear, x);
            } else if (MaxPooling.isTwoByTwo(b)) {
                x = w.maxPoolTwoByTwo(x);
            } else if (ShapedLambda.isRelu(b)) {
                x = w.relu(x);
            } else if (b instanceof LambdaBlock lambda && "batchFlatten".equals(lambda.getName())) {
                x = w.flatten(x);
            } else if (!(b instanceof Dropout)) { // dropout acts in training only: left out
                return Optional.empty();
            }
        }
        return Optional.of(w.build(network, x));
    }

    /**
     * Whether the layers from {@code from} reach a convolution through ReLUs, 2×2 pooling and
     * dropout only.
     */
    private static boolean feedsConvolution(
            List<Block> blocks, List<BatchNormFold> folds, int from) {
        for (int j = from; j < blocks.size(); j++) {
            Block b = blocks.get(j);
            if (folds.get(j) != null || b instanceof Conv2d) {
                return true;
            }
            if (!ShapedLambda.isRelu(b) && !MaxPooling.isTwoByTwo(b) && !(b instanceof Dropout)) {
                return false;
            }
        }
        return false;
    }

    private String slot(TorchScriptForward.Slot slot) {
        slots.add(slot);
        return "p" + (slots.size() - 1);
    }

    private String name() {
        return "y" + names++;
    }

    /** A statement of both passes. */
    private void line(String statement) {
        bodyLine(statement);
        fusedLine(statement);
    }

    /** A statement of the prepacked pass only. */
    private void bodyLine(String statement) {
        body.append("    ").append(statement).append('\n');
    }

    /** A statement of the fused pass only. */
    private void fusedLine(String statement) {
        fusedBody.append("    ").append(statement).append('\n');
    }

    /** The slot arguments {@code p0}, {@code p1}, … as the fused module's constants. */
    private static final Pattern SLOT = Pattern.compile("\\bp(\\d+)\\b");

    private static String ints(long[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return s.append(']').toString();
    }
}
