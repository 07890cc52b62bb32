// libpq, PostgreSQL's own C client (Debian libpq-dev): the include path comes from
// `pkg-config libpq` (/usr/include/postgresql on Debian).
#include <libpq-fe.h>
