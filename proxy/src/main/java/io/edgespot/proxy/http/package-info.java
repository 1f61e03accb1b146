/** HTTP/1.1 grammar shared by the downstream request decoder and the upstream response decoder. */
package io.edgespot.proxy.http;
