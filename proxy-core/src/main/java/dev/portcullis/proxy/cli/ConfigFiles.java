package dev.portcullis.proxy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.stream.Collectors;

/**
 * Reads YAML config files (kebab-case keys, ISO-8601 durations) into the file records of this package. Every error
 * names the file, the key path and what was expected; unknown keys are errors, not silently ignored.
 */
final class ConfigFiles {
    private static final int MAX_CONFIG_BYTES = 1024 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigFiles() {}

    static <T> T read(Path file, Class<T> type) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new ConfigException(file + ": larger than " + MAX_CONFIG_BYTES + " bytes (expected: a config file)");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        try {
            T value = YAML.readValue(bytes, type);
            if (value == null) {
                throw new ConfigException(file + ": empty (expected: a YAML mapping)");
            }
            return value;
        } catch (JsonMappingException e) {
            String path = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new ConfigException(file + ": " + (path.isEmpty() ? "" : "'" + path + "': ") + firstLine(cause.getMessage()), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static Duration duration(String key, String value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            Duration d = Duration.parse(value);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigException(key + ": " + value + " (expected: > 0)");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new ConfigException(key + ": " + value + " (expected: an ISO-8601 duration such as PT30S)", e);
        }
    }

    static <T> T require(String key, T value) {
        if (value == null) {
            throw new ConfigException(key + ": missing (expected: a value)");
        }
        return value;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
