package dev.portcullis.proxy.auth;

import static dev.portcullis.proxy.auth.TokenRejectedException.quote;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.proxy.auth.TokenRejectedException.Reason;
import java.util.Base64;
import java.util.Iterator;

/**
 * The header and payload JSON of a compact JWS, decoded before jjwt sees it so that structural problems get a precise
 * {@link Reason} and the claims' JSON types can be checked strictly (jjwt converts leniently: it would take
 * {@code "exp":"2030-01-01T00:00:00Z"}). Not verified by itself: values are trusted only after jjwt has verified the
 * signature over these same bytes. Immutable.
 */
final class CompactJws {
    /** Duplicate keys are refused so that this parse and jjwt's can never disagree about a claim's value. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static final String[] STRING_CLAIMS = {"iss", "sub", "jti", "typ", "sid", "app"};
    private static final String[] TIME_CLAIMS = {"exp", "nbf", "iat"};
    /** 9999-12-31T23:59:59Z: NumericDates beyond it are nonsense and would overflow Date arithmetic. */
    private static final long MAX_NUMERIC_DATE = 253402300799L;

    final JsonNode header;
    final JsonNode claims;

    private CompactJws(JsonNode header, JsonNode claims) {
        this.header = header;
        this.claims = claims;
    }

    /**
     * Splits and decodes {@code token}; refuses anything but a signed, uncompressed compact JWS whose claims have
     * the JSON types RFC 7519 gives them.
     */
    static CompactJws decode(String token) throws TokenRejectedException {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw new TokenRejectedException(Reason.MALFORMED, "not a compact JWS (expected: 3 parts)");
        }
        JsonNode header = json(token.substring(0, first), "header");
        String alg = header.path("alg").isTextual() ? header.get("alg").asText() : null;
        if (alg == null) {
            throw new TokenRejectedException(Reason.MALFORMED, "header alg: missing or not a string");
        }
        if (alg.equalsIgnoreCase("none") || second == token.length() - 1) {
            throw new TokenRejectedException(Reason.UNSIGNED, "alg " + quote(alg) + " without a signature");
        }
        if (header.has("zip")) {
            // SECURITY.md row 20: no decompression bombs on the unauthenticated path.
            throw new TokenRejectedException(Reason.MALFORMED, "compressed JWS (zip " + quote(header.get("zip")) + ")");
        }
        if (header.has("crit") || header.has("enc") || header.has("b64")) {
            throw new TokenRejectedException(Reason.MALFORMED, "crit/enc/b64 headers are not supported");
        }
        JsonNode claims = json(token.substring(first + 1, second), "payload");
        checkClaimTypes(claims);
        return new CompactJws(header, claims);
    }

    /** The header's {@code alg}, checked to be a string by {@link #decode(String)}. */
    String algorithm() {
        return header.get("alg").asText();
    }

    /** Returns the string claim {@code name}, or {@code null} if absent (types were checked by decode). */
    String stringClaim(String name) {
        JsonNode node = claims.get(name);
        return node == null || node.isNull() ? null : node.asText();
    }

    /** Whether the {@code aud} claim (a string or an array of strings) contains {@code audience}. */
    boolean hasAudience(String audience) {
        JsonNode aud = claims.get("aud");
        if (aud == null) {
            return false;
        }
        if (aud.isTextual()) {
            return aud.asText().equals(audience);
        }
        for (JsonNode a : aud) {
            if (a.asText().equals(audience)) {
                return true;
            }
        }
        return false;
    }

    boolean hasClaim(String name) {
        JsonNode node = claims.get(name);
        return node != null && !node.isNull();
    }

    private static JsonNode json(String base64Url, String part) throws TokenRejectedException {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(base64Url);
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(Reason.MALFORMED, part + ": not base64url");
        }
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new TokenRejectedException(Reason.MALFORMED, part + ": not JSON (" + e.getOriginalMessage() + ")");
        } catch (java.io.IOException e) {
            throw new TokenRejectedException(Reason.MALFORMED, part + ": unreadable");
        }
        if (node == null || !node.isObject()) {
            throw new TokenRejectedException(Reason.MALFORMED, part + ": not a JSON object");
        }
        return node;
    }

    /** SECURITY.md row 19: typed claim parsing, fail closed. JSON null counts as absent. */
    private static void checkClaimTypes(JsonNode claims) throws TokenRejectedException {
        for (String name : STRING_CLAIMS) {
            JsonNode v = claims.get(name);
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw badType(name, v, "a string");
            }
        }
        for (String name : TIME_CLAIMS) {
            JsonNode v = claims.get(name);
            if (v != null && !v.isNull()
                    && (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > MAX_NUMERIC_DATE)) {
                throw badType(name, v, "a NumericDate");
            }
        }
        JsonNode aud = claims.get("aud");
        if (aud != null && !aud.isNull() && !aud.isTextual()) {
            if (!aud.isArray()) {
                throw badType("aud", aud, "a string or an array of strings");
            }
            for (Iterator<JsonNode> it = aud.elements(); it.hasNext(); ) {
                if (!it.next().isTextual()) {
                    throw badType("aud", aud, "a string or an array of strings");
                }
            }
        }
    }

    private static TokenRejectedException badType(String name, JsonNode value, String expected) {
        return new TokenRejectedException(
                Reason.BAD_CLAIM_TYPE, name + ": JSON " + value.getNodeType() + " (expected: " + expected + ")");
    }
}
