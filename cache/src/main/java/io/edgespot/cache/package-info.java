/** edgespot cache module. */
package io.edgespot.cache;
