/** The proxy's failure taxonomy and how it is rendered to users (HTML for browsers, JSON for API clients). */
package dev.portcullis.proxy.error;
