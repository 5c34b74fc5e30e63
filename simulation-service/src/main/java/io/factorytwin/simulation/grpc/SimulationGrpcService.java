package io.factorytwin.simulation.grpc;

import io.factorytwin.simulation.agent.Policies;
import io.factorytwin.simulation.jobs.JobList;
import io.factorytwin.simulation.jobs.Jobs;
import io.factorytwin.simulation.jobs.SeriesQuery;
import io.factorytwin.simulation.mapping.DataSetMapper;
import io.factorytwin.simulation.mapping.JobMapper;
import io.factorytwin.simulation.service.DataSetCatalog;
import io.factorytwin.simulation.v1.CancelJobRequest;
import io.factorytwin.simulation.v1.DataSet;
import io.factorytwin.simulation.v1.GetDataSetRequest;
import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.GetPolicyRequest;
import io.factorytwin.simulation.v1.GetPolicyVersionRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ListDataSetsRequest;
import io.factorytwin.simulation.v1.ListDataSetsResponse;
import io.factorytwin.simulation.v1.ListJobSeriesRequest;
import io.factorytwin.simulation.v1.ListJobSeriesResponse;
import io.factorytwin.simulation.v1.ListJobsRequest;
import io.factorytwin.simulation.v1.ListJobsResponse;
import io.factorytwin.simulation.v1.ListPoliciesRequest;
import io.factorytwin.simulation.v1.ListPoliciesResponse;
import io.factorytwin.simulation.v1.ListPolicyVersionsRequest;
import io.factorytwin.simulation.v1.ListPolicyVersionsResponse;
import io.factorytwin.simulation.v1.Policy;
import io.factorytwin.simulation.v1.PolicyVersion;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.simulation.v1.WatchJobRequest;
import io.factorytwin.simulation.v1.WatchJobResponse;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.grpc.Caller;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.regex.Pattern;

/**
 * The gRPC endpoint of simulation-service. Methods not overridden here answer UNIMPLEMENTED, the
 * grpc-java default, with a message that names the method; each is built in its own change.
 * Blocking: every method runs on a worker thread, never on the event loop, because they read files
 * and the database.
 */
@GrpcService
@Blocking
public class SimulationGrpcService extends SimulationServiceGrpc.SimulationServiceImplBase {

  /**
   * A job name: a client-chosen id, or the UUID the server generated when the client chose none.
   */
  private static final Pattern JOB_NAME =
      Pattern.compile(
          "jobs/([a-z][a-z0-9-]{0,62}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  private final DataSetCatalog catalog;
  private final Jobs jobs;
  private final JobWatches watches;
  private final Policies policies;

  SimulationGrpcService(DataSetCatalog catalog, Jobs jobs, JobWatches watches, Policies policies) {
    this.catalog = catalog;
    this.jobs = jobs;
    this.watches = watches;
    this.policies = policies;
  }

  @Override
  public void getPolicy(GetPolicyRequest request, StreamObserver<Policy> response) {
    reply(response, policies.get(request.getName()));
  }

  @Override
  public void listPolicies(
      ListPoliciesRequest request, StreamObserver<ListPoliciesResponse> response) {
    reply(
        response,
        policies.list(
            request.getPageSize(),
            request.getPageToken(),
            request.getFilter(),
            request.getOrderBy()));
  }

  @Override
  public void getPolicyVersion(
      GetPolicyVersionRequest request, StreamObserver<PolicyVersion> response) {
    reply(response, policies.version(request.getName()));
  }

  @Override
  public void listPolicyVersions(
      ListPolicyVersionsRequest request, StreamObserver<ListPolicyVersionsResponse> response) {
    reply(
        response,
        policies.listVersions(
            request.getParent(),
            request.getPageSize(),
            request.getPageToken(),
            request.getFilter(),
            request.getOrderBy()));
  }

  @Override
  public void listDataSets(
      ListDataSetsRequest request, StreamObserver<ListDataSetsResponse> response) {
    DataSetCatalog.Page page =
        catalog.list(
            DataSetMapper.kinds(request.getKind()),
            request.getPageSize(),
            DataSetMapper.after(request.getKind(), request.getPageToken()));
    ListDataSetsResponse.Builder builder =
        ListDataSetsResponse.newBuilder()
            .setNextPageToken(DataSetMapper.pageToken(request.getKind(), page.nextAfter()));
    page.dataSets().forEach(info -> builder.addDataSets(DataSetMapper.toProto(info)));
    response.onNext(builder.build());
    response.onCompleted();
  }

  @Override
  public void getDataSet(GetDataSetRequest request, StreamObserver<DataSet> response) {
    response.onNext(DataSetMapper.toProto(catalog.get(request.getName())));
    response.onCompleted();
  }

  @Override
  public void submitJob(SubmitJobRequest request, StreamObserver<Job> response) {
    reply(response, JobMapper.toProto(jobs.submit(request, Caller.current().subject())));
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<Job> response) {
    reply(response, JobMapper.toProto(jobs.get(jobId(request.getName(), "name"))));
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
    JobList.Page page =
        jobs.list(
            JobList.parse(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    ListJobsResponse.Builder builder =
        ListJobsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.jobs().forEach(job -> builder.addJobs(JobMapper.toProto(job)));
    reply(response, builder.build());
  }

  @Override
  public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
    reply(
        response,
        JobMapper.toProto(jobs.cancel(jobId(request.getName(), "name"), request.getEtag())));
  }

  @Override
  public void watchJob(WatchJobRequest request, StreamObserver<WatchJobResponse> response) {
    String id = jobId(request.getName(), "name");
    if (request.getAfterSequence() < 0) {
      throw new InvalidArgumentException(
          "after_sequence", "must not be negative; got " + request.getAfterSequence());
    }
    // Fails with NOT_FOUND before the stream starts.
    jobs.get(id);
    watches.start(
        (ServerCallStreamObserver<WatchJobResponse>) response, id, request.getAfterSequence());
  }

  @Override
  public void getJobResult(GetJobResultRequest request, StreamObserver<JobResult> response) {
    reply(response, jobs.result(jobId(request.getJob(), "job")));
  }

  @Override
  public void listJobSeries(
      ListJobSeriesRequest request, StreamObserver<ListJobSeriesResponse> response) {
    String id = jobId(request.getJob(), "job");
    reply(response, jobs.series(id, SeriesQuery.parse(request)));
  }

  private static String jobId(String name, String field) {
    if (!JOB_NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(
          field, "must be jobs/{job}, such as jobs/annual-pue; got '" + name + "'");
    }
    return name.substring("jobs/".length());
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
