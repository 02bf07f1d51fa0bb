#include "examdocs/registry/registry_identity.h"

#include <Poco/Data/Session.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <fstream>

using namespace Poco::Data::Keywords;

namespace examdocs::registry {

void check_registry_identity(Database& db, const std::string& keys_dir) {
    const std::string id = db.identity();
    const std::string file = Poco::Path(keys_dir, "registry-id").toString();
    std::string recorded;
    if (std::ifstream in(file); in) std::getline(in, recorded);
    if (recorded.empty()) {
        Poco::File(keys_dir).createDirectories();
        const std::string temporary = file + ".new";
        {
            std::ofstream out(temporary, std::ios::trunc);
            out << id << "\n";
            out.flush();
            if (!out) throw std::runtime_error("cannot write " + file);
        }
        Poco::File(temporary).renameTo(file);
        return;
    }
    if (recorded == id) return;
    Poco::Int64 certificates = 0;
    Poco::Data::Session s = db.session();
    s << "SELECT COUNT(*) FROM certificates", into(certificates), now;
    throw RegistryRefused(
        "the registry database is not the one the signing keys belong to (the keys record "
        "registry " +
        recorded + ", the database is registry " + id + " with " + std::to_string(certificates) +
        " certificates)" +
        (certificates == 0 ? "; the registry looks deleted or emptied: restore it from a "
                             "backup (docs/operations.md) rather than issue its numbers again"
                           : "; point registry.url and signing.keys-dir at the same registry") +
        ". A registry that is truly new needs a keys directory of its own.");
}

}  // namespace examdocs::registry
