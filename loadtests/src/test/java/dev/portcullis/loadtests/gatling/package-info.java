/** Gatling simulations (Java DSL) against any running Portcullis proxy; run with -Pload (see loadtests/README.md). */
package dev.portcullis.loadtests.gatling;
