#pragma once

#include <QCommandLineParser>
#include <QStringList>

#include <cstdio>
#include <optional>

namespace hopscope::cli {

// True when the arguments ask for the command-line face (a subcommand, --help, --version),
// so no display is needed.
bool wantsCommandLine(const QStringList& args);

// Runs a subcommand; returns the process exit status. args[0] is the program name.
int run(const QStringList& args, std::FILE* out = stdout, std::FILE* err = stderr);

// A subcommand's parsing: its options plus -h/--help. Returns the exit status when the
// subcommand has nothing more to do: `usageExit` after a parse error (said on err, naming
// `command`), 0 after printing `help` on out. Otherwise nullopt, and the parser holds the values.
std::optional<int> parseArguments(QCommandLineParser& parser, QList<QCommandLineOption> options, const QStringList& args,
                                  const char* command, const QString& help, int usageExit, std::FILE* out, std::FILE* err);

// Subcommands, each in a file of its own.
int validateCommand(const QStringList& args, std::FILE* out, std::FILE* err);
int checkCommand(const QStringList& args, std::FILE* out, std::FILE* err);
int runCommand(const QStringList& args, std::FILE* out, std::FILE* err);
int reportCommand(const QStringList& args, std::FILE* out, std::FILE* err);

} // namespace hopscope::cli
