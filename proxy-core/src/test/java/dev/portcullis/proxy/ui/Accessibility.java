package dev.portcullis.proxy.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A basic accessibility check of a page's HTML, as a test can make it without a browser: {@code <html lang>}, a
 * {@code <title>}, every visible input, select and textarea with an id named by a {@code <label for>} (or an
 * aria-label), every image with an {@code alt}, every button with text or an aria-label, unique ids. Returns the
 * problems found (empty: none).
 */
public final class Accessibility {
    private static final Pattern TAG = Pattern.compile("<(input|select|textarea|img|button)\\b([^>]*)>(?:([^<]*)</button>)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ID = Pattern.compile("\\bid=\"([^\"]+)\"");

    private Accessibility() {}

    public static List<String> problems(String html) {
        List<String> problems = new ArrayList<>();
        if (!Pattern.compile("<html[^>]*\\blang=\"[a-z]{2}").matcher(html).find()) {
            problems.add("<html> has no lang");
        }
        if (!Pattern.compile("<title>[^<]+</title>").matcher(html).find()) {
            problems.add("no <title>");
        }
        Matcher m = TAG.matcher(html);
        while (m.find()) {
            String tag = m.group(1).toLowerCase(java.util.Locale.ROOT);
            String attrs = m.group(2);
            if (tag.equals("img") && !attrs.contains("alt=")) {
                problems.add("img without alt: " + m.group());
            } else if (tag.equals("button")) {
                String text = m.group(3) == null ? "" : m.group(3).trim();
                if (text.isEmpty() && !attrs.contains("aria-label=")) {
                    problems.add("button without text or aria-label: " + m.group());
                }
            } else if (!tag.equals("img") && !tag.equals("button") && !attrs.contains("type=\"hidden\"")) {
                Matcher id = ID.matcher(attrs);
                boolean labelled = attrs.contains("aria-label=")
                        || (id.find() && Pattern.compile("<label[^>]*\\bfor=\"" + Pattern.quote(id.group(1)) + "\"").matcher(html).find())
                        || html.matches("(?s).*<label[^>]*>[^<]*" + Pattern.quote(m.group()) + ".*");
                if (!labelled) {
                    problems.add(tag + " without a label: " + m.group());
                }
            }
        }
        List<String> ids = new ArrayList<>();
        Matcher all = ID.matcher(html);
        while (all.find()) {
            if (ids.contains(all.group(1))) {
                problems.add("duplicate id " + all.group(1));
            }
            ids.add(all.group(1));
        }
        return problems;
    }
}
