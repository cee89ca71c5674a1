/** Request-target normalisation and routing of requests to a session's app (path and subdomain modes). */
package dev.portcullis.proxy.route;
