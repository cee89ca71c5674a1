/**
 * Test harness for the browser tests: headless Chromium driven by playwright-core scripts (src/test/browser), a real
 * Jupyter notebook server as a child process, and a counting TCP relay that shows which requests reached an app.
 * Every process here is started by the harness and stopped by its own PID. Parameters and return values are non-null
 * unless documented otherwise.
 */
package dev.portcullis.proxy.browser;
