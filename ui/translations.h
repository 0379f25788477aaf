#pragma once

class QCoreApplication;

namespace hopscope {

// Installs the application's translations. English is always installed first: it holds
// the plural forms of counted phrases ("1 environment", "3 environments").
void installTranslations(QCoreApplication* app);

} // namespace hopscope
