/** The in-memory session registry: single-node deployments and the demo. */
package dev.portcullis.registry.memory;
