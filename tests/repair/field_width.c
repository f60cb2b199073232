/* Repair fixture: console input read with %s into fixed buffers. */
#include <stdio.h>

struct login {
    char user[16];
    char pin[8];
};

int read_login(struct login *l)
{
    char realm[32];
    if (scanf("%s %s", realm, l->user) != 2) // expect-fix: field-width
        return -1;
    if (scanf("%7s", l->pin) != 1) /* already bounded */
        return -1;
    printf("%s@%s\n", l->user, realm);
    return 0;
}
