/* Repair fixture: a project with a .clang-format (format_style.clang-format): the patch's
 * lines follow it (Allman braces, two-space indentation), the rest of the file is left as is. */
#include <stdlib.h>
#include <string.h>

struct node
{
  int key;
  char *label;
};

struct node *node_new(int key,   const char *label)
{
  struct node *n = malloc(sizeof(*n));
  n->key = key; // expect-fix: null-check
  n->label = strdup(label);
  return n;
}
