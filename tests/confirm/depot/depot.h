/* depot: the file store of a maintenance gateway. Field technicians fetch and upload
 * firmware images and logs by name, below one folder; every request is logged.
 * A request is one line: "GET name", "PUT name" (the body follows the name after a
 * newline) or "LOG text". */
#ifndef DEPOT_H
#define DEPOT_H
#include <stddef.h>

/* The store's folder. It does not exist on a build machine, which is what a harness
 * usually sees: the oracles judge where a path leads, not whether this folder is there. */
#define DEPOT_ROOT "/nonexistent/depot"

int depot_get(const char *name, char *out, size_t cap);
int depot_put(const char *name, const char *body);
void depot_log(const char *text);

/* Shared by both variants and correct in both: the access log pads the request's
 * verb to a width the gateway computes, with a format built at run time. */
void depot_log_padded(const char *verb, int width);

#endif
