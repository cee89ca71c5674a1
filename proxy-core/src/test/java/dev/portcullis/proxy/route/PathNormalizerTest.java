package dev.portcullis.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

    @ParameterizedTest
    @CsvSource({
        "/s/a/app/, /s/a/app/",
        "/s/a/app/x/./y, /s/a/app/x/y",
        "/s/a/app/x/../y, /s/a/app/y",
        "/s/a/app//x///y/, /s/a/app/x/y/",
        "//s/a/app/x, /s/a/app/x",
        "/s/a/app/%7euser/%41, /s/a/app/~user/A",
        "/s/a/app/a%2fb%3a, BAD",
        "/s/a/app/caf%c3%a9, /s/a/app/caf%C3%A9",
        "/s/a/app/x/.., /s/a/app/",
        "/, /",
        "/a/../b, /b",
    })
    void normalisesOnce(String raw, String expected) throws Exception {
        if (expected.equals("BAD")) {
            assertThatThrownBy(() -> PathNormalizer.normalize(raw)).isInstanceOf(PathNormalizer.BadPathException.class);
        } else {
            assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/s/a/app/../../b/app/", "/s/a/app/%2e%2e/%2e%2e/b/app/", "/s/a/app/..%2fb", "/s/a/app/x%2Fy", "/s/a/app/x%5Cy",
        "/s/a/app/x\\y", "/s/a/app/..;/b", "/s/a/app/.;/x", "/s/a/app/a%00b", "/s/a/app/a%0d%0ab", "/s/a/app/secret%23/../x",
        "/..", "/a/../../b", "/s/a/app/%zz", "/s/a/app/%4", "relative", "", "/s/a/app/a b", "/s/a/../b/app/"
    })
    void rejectsWhatHasNoSafeMeaning(String raw) {
        assertThatThrownBy(() -> PathNormalizer.normalize(raw)).isInstanceOf(PathNormalizer.BadPathException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=b#c", "a=b c", "a=\u0001"})
    void rejectsBadQueries(String query) {
        assertThatThrownBy(() -> PathNormalizer.checkQuery(query)).isInstanceOf(PathNormalizer.BadPathException.class);
    }
}
