#pragma once

#include <QStringList>

#include <cstdio>

namespace hopscope::cli {

// True when the arguments ask for the command-line face (a subcommand, --help, --version),
// so no display is needed.
bool wantsCommandLine(const QStringList& args);

// Runs a subcommand; returns the process exit status. args[0] is the program name.
int run(const QStringList& args, std::FILE* out = stdout, std::FILE* err = stderr);

// Subcommands, each in a file of its own.
int validateCommand(const QStringList& args, std::FILE* out, std::FILE* err);
int checkCommand(const QStringList& args, std::FILE* out, std::FILE* err);
int runCommand(const QStringList& args, std::FILE* out, std::FILE* err);
int reportCommand(const QStringList& args, std::FILE* out, std::FILE* err);

} // namespace hopscope::cli
