/** The session registry: the state every proxy node shares. */
package dev.portcullis.registry;
