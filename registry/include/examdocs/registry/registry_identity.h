#pragma once
// Binds a registry database to the directory of its signing keys. The first start writes
// the registry's identity (Database::identity) beside the keys as `registry-id`; every
// later start checks that the database is still that registry. A registry file that was
// deleted or emptied comes back as a new, empty database with another identity: serving
// from it would hand out again the numbers already printed on people's certificates.
//
// A keys directory from before identities existed (keys but no registry-id) adopts the
// database it is started with.
#include <string>

#include "examdocs/registry/database.h"

namespace examdocs::registry {

// Throws RegistryRefused when the database is not the registry the keys were made for,
// with a message saying which, how many certificates the database holds, and what to do.
void check_registry_identity(Database& db, const std::string& keys_dir);

}  // namespace examdocs::registry
