/**
 * The optional AWS carbon Data Export (table `CARBON_EMISSIONS`, the Customer Carbon Footprint Tool's data) and its
 * Glue table beside CarbonPilot's own, so `carbonpilot reconcile --ccft s3://…` and Athena read AWS's figures next
 * to ours. Off by default: `cdk deploy -c carbonEmissionsExport=true` (lib/app.ts).
 *
 * - `CarbonEmissionsExportStorage` (home region, stateful stack): the destination bucket with the bucket policy the
 *   Data Exports user guide prescribes ("Setting up an Amazon S3 bucket for data exports": `bcm-data-exports` and
 *   `billingreports` may `s3:PutObject` and `s3:GetBucketPolicy`, only for this account's exports), and the Glue
 *   table `aws_carbon_emissions` (gzip CSV; partition projection on the export's `model_version=…/usage_period=YYYY-MM/`).
 * - `CarbonEmissionsDataExport`: the `AWS::BCMDataExports::Export` itself. CloudFormation supports that resource type
 *   in us-east-1 only (aws-cloudformation/cloudformation-coverage-roadmap#2223), so it lives in a stack pinned to
 *   us-east-1 and points at the bucket by its deterministic name and region (no cross-region reference).
 *
 * Delivery layout (Data Exports): `s3://<bucket>/<prefix>/<export-name>/data/model_version=<v>/usage_period=<YYYY-MM>/…`;
 * AWS refreshes it when the source data updates (the carbon data is monthly, about three weeks after the month).
 * Columns: shared/contracts/ccft.ts (AWS Data Exports user guide, "Carbon emissions columns"); the table has no
 * table configurations ("Carbon emissions" table dictionary). Reading it needs `sustainability:GetCarbonFootprintSummary`
 * only for the console/export owner; the CLI reads the objects with s3:ListBucket + s3:GetObject.
 */
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as bcm from 'aws-cdk-lib/aws-bcmdataexports';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CARBON_EMISSIONS_COLUMNS } from '../shared/contracts/ccft';
import type { FootprintExport } from './export-construct';

/** The only region CloudFormation creates `AWS::BCMDataExports::Export` in. */
export const DATA_EXPORTS_REGION = 'us-east-1';
export const CARBON_EXPORT_NAME = 'carbonpilot-carbon-emissions';
export const CARBON_EXPORT_PREFIX = 'ccft';
/** Deterministic bucket name (account + home region make it globally unique); the same string in both stacks. */
export const carbonExportBucketName = (account: string, region: string): string => `carbonpilot-ccft-${account}-${region}`;
/** Where the export's data objects land (what `reconcile --ccft s3://…` and the Glue table read). */
export const carbonExportDataPrefix = `${CARBON_EXPORT_PREFIX}/${CARBON_EXPORT_NAME}/data`;

/** Column types in the Data Exports dictionary: values are doubles; timestamps are kept as strings (`YYYY-MM-DD HH:mm:ssZ` is not a Hive timestamp). */
const columnType = (c: string): string => (c.endsWith('_value') ? 'double' : 'string');

export interface CarbonEmissionsExportStorageProps {
  /** CarbonPilot's export construct: its Glue database holds the table, its access-log bucket gets this bucket's logs. */
  footprintExport: FootprintExport;
  /** Model versions the `model_version` partition projection enumerates (AWS delivers old and new models for 3 months). */
  modelVersions?: readonly string[];
  tableName?: string;
}

export class CarbonEmissionsExportStorage extends Construct {
  readonly bucket: s3.Bucket;
  readonly table: glue.CfnTable;

  constructor(scope: Construct, id: string, props: CarbonEmissionsExportStorageProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: carbonExportBucketName(stack.account, stack.region),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.footprintExport.accessLogsBucket,
      serverAccessLogsPrefix: 'ccft-bucket/',
      // The export overwrites its files on refresh; superseded versions are kept briefly for audit.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // AWS Data Exports user guide, "Setting up an Amazon S3 bucket for data exports" (the policy AWS applies itself).
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EnableAWSDataExportsToWriteToS3AndCheckPolicy',
        principals: [new iam.ServicePrincipal('billingreports.amazonaws.com'), new iam.ServicePrincipal('bcm-data-exports.amazonaws.com')],
        actions: ['s3:PutObject', 's3:GetBucketPolicy'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        conditions: {
          StringLike: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': [`arn:${stack.partition}:cur:${DATA_EXPORTS_REGION}:${stack.account}:definition/*`, `arn:${stack.partition}:bcm-data-exports:${DATA_EXPORTS_REGION}:${stack.account}:export/*`],
          },
        },
      }),
    );

    const location = `s3://${carbonExportBucketName(stack.account, stack.region)}/${carbonExportDataPrefix}/`;
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: props.footprintExport.databaseName,
      tableInput: {
        name: props.tableName ?? 'aws_carbon_emissions',
        description: "AWS's carbon emissions export (Data Exports CARBON_EMISSIONS, MTCO2e per month x account x region x service), beside CarbonPilot's footprints",
        tableType: 'EXTERNAL_TABLE',
        // Named apart from the file's own model_version column (Glue forbids a partition key equal to a column).
        partitionKeys: [
          { name: 'partition_model_version', type: 'string' },
          { name: 'partition_usage_period', type: 'string' },
        ],
        parameters: {
          classification: 'csv',
          'skip.header.line.count': '1',
          'projection.enabled': 'true',
          'projection.partition_model_version.type': 'enum',
          'projection.partition_model_version.values': (props.modelVersions ?? ['v1.0.0', 'v2.0.0', 'v3.0.0']).join(','),
          'projection.partition_usage_period.type': 'date',
          'projection.partition_usage_period.format': 'yyyy-MM',
          // Historical data reaches back to January 2022 (Data Exports "Carbon emissions" table dictionary).
          'projection.partition_usage_period.range': '2022-01,NOW',
          'projection.partition_usage_period.interval': '1',
          'projection.partition_usage_period.interval.unit': 'MONTHS',
          'storage.location.template': `${location}model_version=\${partition_model_version}/usage_period=\${partition_usage_period}/`,
        },
        storageDescriptor: {
          location,
          columns: CARBON_EMISSIONS_COLUMNS.map((c) => ({ name: c, type: columnType(c) })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' } },
        },
      },
    });
    this.table.addResourceDependency(props.footprintExport.database);
  }
}

export interface CarbonEmissionsDataExportProps {
  /** Destination bucket's name and region (the home region's CarbonEmissionsExportStorage). */
  bucketName: string;
  bucketRegion: string;
}

/** The Data Export of `CARBON_EMISSIONS` (deploy in us-east-1): gzip CSV, every documented column, overwritten on refresh. */
export class CarbonEmissionsDataExport extends Construct {
  readonly export: bcm.CfnExport;

  constructor(scope: Construct, id: string, props: CarbonEmissionsDataExportProps) {
    super(scope, id);
    this.export = new bcm.CfnExport(this, 'Export', {
      export: {
        name: CARBON_EXPORT_NAME,
        description: "CarbonPilot: AWS's carbon emissions estimates for reconciliation (carbonpilot reconcile --ccft s3://…)",
        // Column order = the Glue table's (OpenCSVSerde reads by position).
        dataQuery: { queryStatement: `SELECT ${CARBON_EMISSIONS_COLUMNS.join(', ')} FROM CARBON_EMISSIONS` },
        destinationConfigurations: {
          s3Destination: {
            s3Bucket: props.bucketName,
            s3Prefix: CARBON_EXPORT_PREFIX,
            s3Region: props.bucketRegion,
            s3OutputConfigurations: { outputType: 'CUSTOM', format: 'TEXT_OR_CSV', compression: 'GZIP', overwrite: 'OVERWRITE_REPORT' },
          },
        },
        refreshCadence: { frequency: 'SYNCHRONOUS' },
      },
    });
  }
}

/** The us-east-1 stack holding only the Data Export (see the module comment). */
export class CarbonExportStack extends Stack {
  readonly dataExport: CarbonEmissionsDataExport;

  constructor(scope: Construct, id: string, props: { account?: string; homeRegion: string; description?: string }) {
    super(scope, id, { env: { account: props.account, region: DATA_EXPORTS_REGION }, description: props.description });
    this.dataExport = new CarbonEmissionsDataExport(this, 'CarbonEmissions', {
      bucketName: carbonExportBucketName(props.account ?? Aws.ACCOUNT_ID, props.homeRegion),
      bucketRegion: props.homeRegion,
    });
  }
}
