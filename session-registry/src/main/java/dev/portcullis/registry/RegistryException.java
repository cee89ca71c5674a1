package dev.portcullis.registry;

/** The registry could not be read or written (Redis down, timed out, or a stored value that does not parse). */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }

    public RegistryException(String message) {
        super(message);
    }

    /** Quotes an untrusted value for an error message, truncated so a hostile value cannot flood a log line. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String v = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return '"' + v.replaceAll("[^\\x20-\\x7e]", "?") + '"';
    }
}
