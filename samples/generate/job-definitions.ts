/**
 * The job definitions the sample's jobs are submitted with: image, command, resources and role,
 * as Batch copies them into every event of a job.
 */
import { ACCOUNT, REGION, batchArn } from "./envelope";

export interface JobDef {
  name: string;
  revision: number;
  image: string;
  command: string[];
  vcpus: number;
  memory: number;
  role: string;
  environment: { name: string; value: string }[];
}

const ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

export const JOB_DEFS = {
  etl: {
    name: "nightly-etl",
    revision: 7,
    image: `${ECR}/etl:2026.10.3`,
    command: ["python", "-m", "etl.run", "--date", "Ref::date"],
    vcpus: 2,
    memory: 4096,
    role: "batch-etl-job-role",
    environment: [{ name: "LOG_LEVEL", value: "info" }],
  },
  render: {
    name: "render-frames",
    revision: 12,
    image: `${ECR}/renderer:4.2.1`,
    command: ["render", "--scene", "Ref::scene"],
    vcpus: 4,
    memory: 8192,
    role: "batch-render-job-role",
    environment: [],
  },
  report: {
    name: "fargate-report",
    revision: 3,
    image: `${ECR}/reporting:1.9.0`,
    command: ["node", "dist/report.js"],
    vcpus: 1,
    memory: 2048,
    role: "batch-report-job-role",
    environment: [{ name: "NODE_ENV", value: "production" }],
  },
  align: {
    name: "genomics-align",
    revision: 21,
    image: `${ECR}/bwa-mem2:2.2.1`,
    command: ["bash", "-c", "align.sh Ref::sample"],
    vcpus: 8,
    memory: 30720,
    role: "batch-genomics-job-role",
    environment: [],
  },
  etlEu: {
    name: "etl-loader",
    revision: 9,
    image: `${ECR}/etl-loader:3.0.2`,
    command: ["python", "-m", "loader"],
    vcpus: 2,
    memory: 4096,
    role: "batch-etl-job-role",
    environment: [{ name: "TARGET_REGION", value: "eu-west-1" }],
  },
  billing: {
    name: "billing-export",
    revision: 4,
    image: `${ECR}/billing-export:0.14.0`,
    command: ["./export", "--month", "Ref::month"],
    vcpus: 1,
    memory: 2048,
    role: "batch-billing-job-role",
    environment: [],
  },
  tiles: {
    name: "tile-render",
    revision: 6,
    image: `${ECR}/tiles:2.1.0`,
    command: ["tiles", "render", "--shard", "$AWS_BATCH_JOB_ARRAY_INDEX"],
    vcpus: 2,
    memory: 4096,
    role: "batch-render-job-role",
    environment: [],
  },
  mpi: {
    name: "mpi-cfd",
    revision: 4,
    image: `${ECR}/openfoam-mpi:11`,
    command: ["/opt/run-mpi.sh"],
    vcpus: 72,
    memory: 184320,
    role: "batch-hpc-job-role",
    environment: [{ name: "OMP_NUM_THREADS", value: "1" }],
  },
  mpiEcs: {
    name: "mpi-cfd-ecs",
    revision: 2,
    image: `${ECR}/openfoam-mpi:11`,
    command: ["/opt/run-mpi.sh"],
    vcpus: 64,
    memory: 122880,
    role: "batch-hpc-job-role",
    environment: [],
  },
  multi: {
    name: "multi-sim",
    revision: 2,
    image: `${ECR}/sim-app:5.0.0`,
    command: ["./simulate"],
    vcpus: 4,
    memory: 8192,
    role: "batch-sim-job-role",
    environment: [],
  },
  eks: {
    name: "eks-train",
    revision: 5,
    image: `${ECR}/trainer:0.31.2`,
    command: ["python", "train.py"],
    vcpus: 4,
    memory: 16384,
    role: "unused",
    environment: [{ name: "EPOCHS", value: "3" }],
  },
  legacy: {
    name: "legacy-transcode",
    revision: 1,
    image: `${ECR}/ffmpeg:3.4`,
    command: ["transcode.sh", "Ref::input"],
    vcpus: 2,
    memory: 2000,
    role: "batch-legacy-job-role",
    environment: [],
  },
} satisfies Record<string, JobDef>;

export function jobDefArn(def: JobDef): string {
  return batchArn(REGION, `job-definition/${def.name}:${def.revision}`);
}
