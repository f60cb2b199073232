# Turns a text file into a C++ raw string literal (used for the built-in taint models).
file(READ ${IN} CONTENT)
file(WRITE ${OUT} "R\"MAMORI_EMBED(${CONTENT})MAMORI_EMBED\"\n")
