/** The reverse tunnel between proxy nodes and agents. */
package dev.portcullis.tunnel;
