# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# scripts/tap.bash: the result lines and counts of kaio's shell test
# runners (selftests/run, selftests/reload-stress, libkaio/tests/run and its
# fio and qemu suites).  Sourced, not run:
#
#   . "$top/scripts/tap.bash"
#
# Results, one line each:
#   tap_ok DESC               "ok - DESC"
#   tap_fail DESC             "not ok - DESC"
#   tap_skip DESC [REASON]    "ok - DESC # SKIP[ REASON]"
#   tap_result ok|fail|skip TEXT
#                             the same with TEXT as given (a skip's TEXT
#                             carries its own directive)
# With TAP_NUMBERED=1 set before the first result, "-" is the result's
# number instead, from 1.
#
# Counts: tap_passed, tap_failed, tap_skipped, and tap_count (result lines
# printed).
#   tap_add PASSED FAILED [SKIPPED]
#                             add another suite's counts
#   tap_summary_counts NAME TEXT
#                             "PASSED FAILED SKIPPED" from TEXT's last line
#                             "NAME: N passed, N failed[, N skipped]";
#                             status 1 if it has none
#   tap_summary [--no-skipped] NAME
#                             the closing line "NAME: N passed, N failed,
#                             N skipped" (without the last part:
#                             "NAME: N passed, N failed"); status 0 when
#                             nothing failed
#   tap_diag [MAX]            stdin as diagnostics ("# " before each line),
#                             at most MAX lines, then how many were left out

tap_passed=0 tap_failed=0 tap_skipped=0 tap_count=0

tap_result() {
	local word=ok
	tap_count=$((tap_count + 1))
	case $1 in
	ok) tap_passed=$((tap_passed + 1)) ;;
	skip) tap_skipped=$((tap_skipped + 1)) ;;
	*) tap_failed=$((tap_failed + 1)) word="not ok" ;;
	esac
	if [ "${TAP_NUMBERED:-0}" = 1 ]; then
		echo "$word $tap_count $2"
	else
		echo "$word - $2"
	fi
}

tap_ok() { tap_result ok "$*"; }
tap_fail() { tap_result fail "$*"; }
tap_skip() { tap_result skip "$1 # SKIP${2:+ $2}"; }

tap_add() {
	tap_passed=$((tap_passed + $1)) tap_failed=$((tap_failed + $2))
	tap_skipped=$((tap_skipped + ${3:-0}))
}

tap_summary_counts() {
	local line
	line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" <<<"$2" | tail -n 1)
	[ -n "$line" ] || return 1
	sed -E "s/^$1: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\\1 \\2 \\4/" <<<"$line" |
		{ read -r p f s; echo "$p $f ${s:-0}"; }
}

tap_summary() {
	if [ "$1" = --no-skipped ]; then
		echo "$2: $tap_passed passed, $tap_failed failed"
	else
		echo "$1: $tap_passed passed, $tap_failed failed, $tap_skipped skipped"
	fi
	[ "$tap_failed" -eq 0 ]
}

tap_diag() {
	awk -v max="${1:-0}" '
		max == 0 || NR <= max { print "# " $0 }
		END { if (max && NR > max) printf "# ... (%d more lines)\n", NR - max }'
}
