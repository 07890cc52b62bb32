// The one place that includes curses headers. Wide-character curses (cchar_t,
// add_wch, get_wch) needs NCURSES_WIDECHAR before the include; the C macros Swift
// cannot import (COLOR_PAIR, getmaxyx, KEY_*, A_*) come back as small functions.
#ifndef USREVIEW_CNCURSESW_SHIM_H
#define USREVIEW_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <stdlib.h>
#include <wchar.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

// Key codes.
static const int usr_KEY_UP = KEY_UP;
static const int usr_KEY_DOWN = KEY_DOWN;
static const int usr_KEY_LEFT = KEY_LEFT;
static const int usr_KEY_RIGHT = KEY_RIGHT;
static const int usr_KEY_ENTER = KEY_ENTER;
static const int usr_KEY_BACKSPACE = KEY_BACKSPACE;
static const int usr_KEY_RESIZE = KEY_RESIZE;
static const int usr_KEY_NPAGE = KEY_NPAGE;
static const int usr_KEY_PPAGE = KEY_PPAGE;
static const int usr_KEY_HOME = KEY_HOME;
static const int usr_KEY_END = KEY_END;

// Attributes.
static inline unsigned int usr_A_NORMAL(void) { return (unsigned int)A_NORMAL; }
static inline unsigned int usr_A_BOLD(void) { return (unsigned int)A_BOLD; }
static inline unsigned int usr_A_REVERSE(void) { return (unsigned int)A_REVERSE; }
static inline unsigned int usr_A_DIM(void) { return (unsigned int)A_DIM; }
static inline unsigned int usr_A_UNDERLINE(void) { return (unsigned int)A_UNDERLINE; }

static inline int usr_colors(void) { return COLORS; }
static inline int usr_color_pairs(void) { return COLOR_PAIRS; }
static inline int usr_lines(void) { return LINES; }
static inline void usr_redraw_all(void) { clearok(stdscr, TRUE); }
static inline int usr_cols(void) { return COLS; }

/// Starts curses on the terminal: locale for wide characters, raw keys (Ctrl-C
/// arrives as a key, so quitting always goes through the app), no echo, keypad
/// decoding, no cursor, and a read timeout so the run loop can poll background work.
static inline void usr_start(int timeoutMilliseconds) {
    setlocale(LC_ALL, "");
    initscr();
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(timeoutMilliseconds);
    set_escdelay(25);
}

static inline int usr_start_color(void) {
    if (!has_colors()) return 0;
    start_color();
    use_default_colors();
    return 1;
}

/// Bytes written to the terminal when a signal ends the process (the kitty deletions of
/// the images it holds), so pictures do not outlive it. Set from the app's thread; the
/// length is cleared first so a signal never sees a half-copied buffer.
/// (Function-local statics: Swift emits the functions of this header, not its variables.)
static inline char *usr_exit_bytes(void) { static char bytes[65536]; return bytes; }
static inline volatile sig_atomic_t *usr_exit_length(void) { static volatile sig_atomic_t length = 0; return &length; }

static inline void usr_set_exit_bytes(const unsigned char *bytes, size_t length) {
    *usr_exit_length() = 0;
    if (length > 65536) return;
    memcpy(usr_exit_bytes(), bytes, length);
    *usr_exit_length() = (sig_atomic_t)length;
}

/// A crash signal or SIGTERM restores the terminal before the process dies.
static void usr_fatal_signal(int sig) {
    if (*usr_exit_length() > 0) {
        ssize_t ignored = write(STDOUT_FILENO, usr_exit_bytes(), (size_t)*usr_exit_length());
        (void)ignored;
    }
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void usr_install_signal_handlers(void) {
    int signals[] = {SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGQUIT, SIGINT};
    for (unsigned i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) signal(signals[i], usr_fatal_signal);
}

/// Writes one wide character with an extended colour pair and attributes.
static inline void usr_put(int row, int column, uint32_t character, int pair, unsigned int attributes) {
    wchar_t text[2] = {(wchar_t)character, 0};
    cchar_t cell;
    setcchar(&cell, text, (attr_t)attributes, 0, &pair);
    mvadd_wch(row, column, &cell);
}

/// Reads one key: 0 when none arrived before the timeout, 1 for a character, 2 for
/// a function key (KEY_*).
static inline int usr_read_key(int *code) {
    wint_t value = 0;
    int status = get_wch(&value);
    if (status == ERR) return 0;
    *code = (int)value;
    return status == KEY_CODE_YES ? 2 : 1;
}

// Mouse (additive): button-1 clicks and double clicks where the terminal reports them.
static const int usr_KEY_MOUSE = KEY_MOUSE;
static inline void usr_enable_mouse(void) {
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED, NULL);
    mouseinterval(200);
}
/// After KEY_MOUSE: 0 none, 1 click, 2 double click; row and column of the cell.
static inline int usr_get_click(int *row, int *column) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *row = event.y;
    *column = event.x;
    if (event.bstate & BUTTON1_DOUBLE_CLICKED) return 2;
    if (event.bstate & BUTTON1_CLICKED) return 1;
    return 0;
}

#endif
