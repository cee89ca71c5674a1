/** The demo's sample app, also the end-to-end tests' app. */
package dev.portcullis.proxy.demo;
