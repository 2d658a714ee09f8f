/**
 * The RTMP server: the command flow of NetConnection and NetStream (Adobe RTMP 1.0, section 7.2), publishers
 * into the stream hub and players out of it.
 */
package io.aqueduct.rtmp.internal.server;
