/**
 * The pages the proxy serves itself (templates and assets from ui-static): static assets under
 * {@code /.portcullis/ui/}, the dashboard sign-in, the sessions dashboard and its open endpoint, and the admin page.
 */
package dev.portcullis.proxy.ui;
