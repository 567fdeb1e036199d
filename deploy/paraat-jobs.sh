#!/bin/bash
# Paraat's scheduled jobs, one after another (paraat-jobs.service every 15 minutes, or cron).
# Each job is independent: one that fails or hangs (JOB_TIMEOUT seconds) does not stop the ones
# after it. Exit 0 when every job succeeded, 1 when any failed; each failure is one line on stderr.
set -u
cd "$(dirname "$0")/.." || exit 1
FLASK=${FLASK:-.venv/bin/flask}
status=0
for job in "allocation close-due" "activities expire-offers" "activities remind" "mail deliver" \
           "privacy purge"; do
    # shellcheck disable=SC2086  # the job is a command with its arguments
    if ! timeout "${JOB_TIMEOUT:-600}" $FLASK --app wsgi $job; then
        echo "paraat-jobs: '$job' is mislukt; de volgende taken lopen door" >&2
        status=1
    fi
done
exit $status
