#!/bin/sh
# Stands in for Prisma's native schema engine, which cannot be downloaded on every
# machine. `prisma generate` only needs the variable to name an executable; Vigil
# migrates with the engine's WebAssembly build instead (npm run db:migrate).
echo "Prisma's native schema engine is not installed here: use npm run db:migrate, db:migration and db:reset" >&2
exit 1
