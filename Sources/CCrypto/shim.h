#ifndef ALLIANCE_CCRYPTO_SHIM_H
#define ALLIANCE_CCRYPTO_SHIM_H
// OpenSSL's EVP digest interface (libssl-dev): SHA-256 for input and output provenance.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#endif
