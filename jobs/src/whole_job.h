#pragma once
// Private to jobs/: one job printed whole on this instance, from its input in the job's
// directory to its result there. A run that is interrupted by a stop leaves the job
// running in the store, to be run again from the start after the restart.
#include <atomic>

#include "examdocs/jobs/job_options.h"
#include "examdocs/jobs/job_store.h"

namespace examdocs::jobs {

class JobQueue;

class WholeJob {
  public:
    WholeJob(JobQueue& queue, JobRow job);
    void run(const std::atomic<bool>& cancel);

  private:
    JobQueue& queue_;
    JobRow job_;
};

}  // namespace examdocs::jobs
