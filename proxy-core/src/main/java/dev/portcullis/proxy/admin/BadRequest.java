package dev.portcullis.proxy.admin;

/** A request the admin API refuses with 400; the message names the field and what was expected. */
final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
        super(message, null, false, false);
    }

    static BadRequest field(String field, String problem) {
        return new BadRequest("field '" + field + "': " + problem);
    }
}
