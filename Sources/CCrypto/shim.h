// OpenSSL's libcrypto (Debian libssl-dev, which libpq-dev already pulls in), for the
// SHA-256 digests that pin a study's model files and images. Only the EVP digest API.
#include <openssl/evp.h>
