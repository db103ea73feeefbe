package io.github.keypoints.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network written as an <a
 * href="https://mxnet.apache.org/versions/1.9.1/api/python/docs/api/symbol/index.html">MXNet symbol
 * graph</a>: the JSON MXNet reads ({@code nodes}, {@code arg_nodes}, {@code heads}), one input
 * variable named {@value #INPUT} and one variable per parameter array, in the order {@link
 * #parameterNames()} lists them. MXNet runs such a graph as one cached operator ({@link
 * MxGraphForward}), without a call into the engine per layer.
 *
 * @param json the graph in MXNet's JSON form
 * @param parameterNames the parameter variables, in the order they were declared
 */
record MxGraph(String json, List<String> parameterNames) {

    /** The name of the graph's input variable. */
    static final String INPUT = "data";

    /**
     * The MXNet version written into the graph: the one the library in DJL's {@code
     * mxnet-native-mkl} 1.9.1 reports (10900); a higher one makes it log a warning on every load.
     */
    private static final int MXNET_VERSION = 10900;

    MxGraph {
        parameterNames = List.copyOf(parameterNames);
    }

    /**
     * Returns a builder whose node 0 is the input variable.
     *
     * @return the builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Writes the nodes of an {@link MxGraph} in the order they run; every method returns the new
     * node's index, which later nodes name as their inputs. Mutable until {@link #build(int)}.
     */
    static final class Builder {
        private final StringBuilder nodes = new StringBuilder();
        private final List<Integer> variables = new ArrayList<>();
        private final List<String> parameterNames = new ArrayList<>();
        private int count;

        private Builder() {
            variables.add(node("null", INPUT, Collections.emptyMap()));
        }

        /** The input variable's node. */
        int input() {
            return 0;
        }

        /**
         * Declares a parameter variable; its array comes in the same position of the arrays that
         * run the graph.
         *
         * @param name a name unique in the graph
         * @return the node
         */
        int parameter(String name) {
            if (parameterNames.contains(name) || INPUT.equals(name)) {
                throw new IllegalArgumentException("graph variable declared twice: " + name);
            }
            int node = node("null", name, Collections.emptyMap());
            variables.add(node);
            parameterNames.add(name);
            return node;
        }

        /**
         * Adds an operator.
         *
         * @param op the MXNet operator, {@code Convolution} say
         * @param name a name for the node
         * @param attrs the operator's attributes in MXNet's string form, {@code kernel=(3, 3)}
         * @param inputs the nodes whose first outputs it takes, in the operator's order
         * @return the node
         */
        int op(String op, String name, Map<String, String> attrs, int... inputs) {
            for (int in : inputs) {
                if (in < 0 || in >= count) {
                    throw new IllegalArgumentException("no node " + in + " before " + name);
                }
            }
            return node(op, name, attrs, inputs);
        }

        private int node(String op, String name, Map<String, String> attrs, int... inputs) {
            if (count > 0) {
                nodes.append(',');
            }
            nodes.append("{\"op\":").append(quote(op)).append(",\"name\":").append(quote(name));
            if (!attrs.isEmpty()) {
                nodes.append(",\"attrs\":{");
                String sep = "";
                for (Map.Entry<String, String> e : new LinkedHashMap<>(attrs).entrySet()) {
                    nodes.append(sep).append(quote(e.getKey())).append(':');
                    nodes.append(quote(e.getValue()));
                    sep = ",";
                }
                nodes.append('}');
            }
            nodes.append(",\"inputs\":[");
            for (int i = 0; i < inputs.length; i++) {
                nodes.append(i == 0 ? "" : ",").append('[').append(inputs[i]).append(",0,0]");
            }
            nodes.append("]}");
            return count++;
        }

        /**
         * Finishes the graph.
         *
         * @param output the node whose first output is the graph's output
         * @return the graph
         */
        MxGraph build(int output) {
            if (output < 0 || output >= count) {
                throw new IllegalArgumentException("no output node " + output);
            }
            String json =
                    "{\"nodes\":["
                            + nodes
                            + "],\"arg_nodes\":"
                            + variables.toString().replace(" ", "")
                            + ",\"heads\":[["
                            + output
                            + ",0,0]],\"attrs\":{\"mxnet_version\":[\"int\","
                            + MXNET_VERSION
                            + "]}}";
            return new MxGraph(json, parameterNames);
        }

        private static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            }
            return b.append('"').toString();
        }
    }
}
