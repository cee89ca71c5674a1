package dev.portcullis.proxy.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UiResourcesTest {

    @Test
    void onlyPlainNamesWithKnownExtensionsCanBeNamed() {
        for (String ok : new String[] {"style.css", "logo.svg", "admin/admin.js", "vendor/xterm/xterm.js", "a-b_c.1.css"}) {
            assertThat(UiResources.isServableName(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"", "/style.css", "../style.css", "a/../style.css", ".hidden.css", "a//b.css",
            "a/.b/c.css", "style.css/", "style", "style.exe", "style.class", "logback.xml", "a\\b.css", "a%2fb.css",
            "x.css?y", "a b.css", null}) {
            assertThat(UiResources.isServableName(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void findsUiStaticFilesWithTypeAndEtagAndNothingElse() {
        UiResources resources = UiResources.fromClasspath();
        UiResources.Resource css = resources.find("style.css").orElseThrow();
        assertThat(css.contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(css.etag()).matches("\"[0-9a-f]{24}\"");
        assertThat(resources.cached("style.css")).contains(css);
        assertThat(resources.find("nope.css")).isEmpty();
        assertThat(resources.cached("nope.css")).isEmpty();
        // Outside portcullis-ui/, even with an allowed extension, nothing can be reached.
        assertThat(resources.find("../logback.xml")).isEmpty();
    }

    @Test
    void everyTemplateAndPageIsAccessibleAndSelfContained() {
        UiResources resources = UiResources.fromClasspath();
        for (String page : new String[] {"error.html", "login.html", "dashboard.html", "admin/admin.html"}) {
            String html = resources.require(page).text();
            assertThat(Accessibility.problems(html)).as(page).isEmpty();
            assertThat(html).as(page).doesNotContain("http://", "https://", "<script>", "style=\"", "onclick");
        }
        assertThat(resources.require("style.css").text()).doesNotContain("http://", "https://", "@import", "url(");
    }

    @Test
    void theAccessibilityCheckFindsWhatIsMissing() {
        assertThat(Accessibility.problems("<html><title>t</title><input type=\"text\" id=\"q\"><img src=\"x\"><button></button>"
                + "<p id=\"d\"></p><p id=\"d\"></p>")).hasSize(5);
        assertThat(Accessibility.problems("<html lang=\"en\"><title>t</title><label for=\"q\">Q</label><input id=\"q\">"
                + "<input type=\"hidden\" name=\"h\"><img src=\"x\" alt=\"\"><button aria-label=\"Close\"></button>")).isEmpty();
    }

    @Test
    void formBodiesParseStrictly() {
        assertThat(FormBody.parse("csrf=a%2Bb&session=sess-a&app=web")).contains(Map.of("csrf", "a+b", "session", "sess-a", "app", "web"));
        assertThat(FormBody.parse("")).contains(Map.of());
        assertThat(FormBody.parse("app=a&app=b")).isEmpty();
        assertThat(FormBody.parse("app=%zz")).isEmpty();
    }
}
