/** The Redis session registry (Jedis), shared by every proxy node. */
package dev.portcullis.registry.redis;
