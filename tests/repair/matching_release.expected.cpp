// Repair fixture: arrays from new[] released with delete, and malloc'd memory with delete.
#include <cstdlib>
#include <cstring>

int checksum(const char *line)
{
    char *copy = new char[std::strlen(line) + 1];
    std::strcpy(copy, line);
    int sum = 0;
    for (const char *p = copy; *p != '\0'; ++p)
        sum += *p;
    delete[] copy; // expect-fix: matching-release
    return sum;
}

void scratch(std::size_t n)
{
    char *buf = static_cast<char *>(std::malloc(n));
    if (buf == nullptr)
        return;
    std::memset(buf, 0, n);
    free(buf); // expect-fix: matching-release
}
