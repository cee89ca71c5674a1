package dev.portcullis.proxy.terminal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;

/**
 * One message of terminado's WebSocket protocol: a JSON array whose first element is the kind, as text frames both
 * ways. Client to server: {@code ["stdin", data]}, {@code ["set_size", rows, cols, heightPx, widthPx]}. Server to
 * client: {@code ["setup", {}]} once after connecting, {@code ["stdout", data]}, {@code ["disconnect", code]} when the
 * process ended (then the server closes).
 *
 * @param kind the first element ({@code stdin}, {@code stdout}, {@code set_size}, {@code setup}, {@code disconnect}, or
 *     anything else, which receivers ignore)
 * @param args the remaining elements
 */
public record TerminadoMessage(String kind, List<JsonNode> args) {
    public static final String STDIN = "stdin";
    public static final String STDOUT = "stdout";
    public static final String SET_SIZE = "set_size";
    public static final String SETUP = "setup";
    public static final String DISCONNECT = "disconnect";
    /** Rows and columns outside 1..MAX_DIMENSION are refused (a PTY's winsize is 16-bit; nobody has 10,000 rows). */
    public static final int MAX_DIMENSION = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public TerminadoMessage {
        requireNonNull(kind, "kind");
        args = List.copyOf(args);
    }

    public static TerminadoMessage stdin(String data) {
        return new TerminadoMessage(STDIN, List.of(NODES.textNode(data)));
    }

    public static TerminadoMessage stdout(String data) {
        return new TerminadoMessage(STDOUT, List.of(NODES.textNode(data)));
    }

    public static TerminadoMessage setSize(int rows, int cols) {
        return new TerminadoMessage(SET_SIZE, List.of(NODES.numberNode(rows), NODES.numberNode(cols)));
    }

    public static TerminadoMessage setup() {
        return new TerminadoMessage(SETUP, List.of(NODES.objectNode()));
    }

    public static TerminadoMessage disconnect(int code) {
        return new TerminadoMessage(DISCONNECT, List.of(NODES.numberNode(code)));
    }

    /**
     * Parses one text frame.
     *
     * @throws IllegalArgumentException if it is not a JSON array starting with a string (the message says what it was)
     */
    public static TerminadoMessage parse(String text) {
        requireNonNull(text, "text");
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("terminado message: not JSON", e);
        }
        if (node == null || !node.isArray() || node.isEmpty() || !node.get(0).isTextual()) {
            throw new IllegalArgumentException("terminado message: expected a JSON array starting with a string");
        }
        List<JsonNode> rest = new java.util.ArrayList<>(node.size() - 1);
        for (int i = 1; i < node.size(); i++) {
            rest.add(node.get(i));
        }
        return new TerminadoMessage(node.get(0).asText(), rest);
    }

    /** The JSON text of this message. */
    public String toJson() {
        ArrayNode array = NODES.arrayNode(args.size() + 1);
        array.add(kind);
        args.forEach(array::add);
        return array.toString();
    }

    /** The data of a {@code stdin} or {@code stdout} message. */
    public String data() {
        if (args.isEmpty() || !args.get(0).isTextual()) {
            throw new IllegalArgumentException(kind + ": expected a string as the second element");
        }
        return args.get(0).asText();
    }

    /** Argument {@code i} of a {@code set_size} (0 = rows, 1 = columns), checked to be in 1..{@link #MAX_DIMENSION}. */
    public int dimension(int i) {
        if (args.size() <= i || !args.get(i).canConvertToInt()) {
            throw new IllegalArgumentException(kind + ": expected an integer at position " + (i + 1));
        }
        int v = args.get(i).asInt();
        if (v < 1 || v > MAX_DIMENSION) {
            throw new IllegalArgumentException(kind + ": " + v + " at position " + (i + 1) + " (expected: 1.."
                    + MAX_DIMENSION + ")");
        }
        return v;
    }

    /** The code of a {@code disconnect} message, or 0 if it carries none. */
    public int code() {
        return args.isEmpty() || !args.get(0).canConvertToInt() ? 0 : args.get(0).asInt();
    }
}
