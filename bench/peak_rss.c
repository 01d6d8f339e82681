// peak-rss COMMAND [ARG...]: runs COMMAND and prints its peak resident set size in bytes on stderr's
// last line (stdout is the command's). Built and used by bench/compare: a process's ru_maxrss keeps
// the high-water mark of every image it ever had, so a command forked or spawned straight from
// Python would report Python's RSS if that is larger; forked from this small program it reports
// its own (as GNU time does). Exit status: the command's, or 127 when it cannot be run.
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: peak-rss COMMAND [ARG...]\n"); return 2; }
    pid_t pid = fork();
    if (pid < 0) { perror("peak-rss: fork"); return 127; }
    if (pid == 0) { execvp(argv[1], argv + 1); perror("peak-rss: exec"); _exit(127); }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) { perror("peak-rss: wait4"); return 127; }
    fprintf(stderr, "peak-rss %ld\n", usage.ru_maxrss * 1024L);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
