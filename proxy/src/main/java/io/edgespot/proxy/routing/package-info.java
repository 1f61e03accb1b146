/** Request routing: host to tenant, and a tenant's ordered routes. */
package io.edgespot.proxy.routing;
