import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EXPORT_COLUMNS, EXPORT_PREFIX, MARKET_EXPORT_COLUMNS, MARKET_EXPORT_PREFIX } from '../shared/use-cases/export-footprints';

/** Deterministic bucket name (account + region make it globally unique). */
export const exportBucketName = (stack: Stack): string => `carbonpilot-footprints-${stack.account}-${stack.region}`;

export interface FootprintExportProps {
  /** Glue database name (lower-case, underscores). */
  databaseName?: string;
  tableName?: string;
  /** Glue table of the market-based scope 2 export (one row per resource and month). */
  marketTableName?: string;
  workgroupName?: string;
  /** First day the `day` partition projection covers. */
  projectionStartDay?: string;
}

/**
 * S3 export of footprints as partitioned JSON lines (`footprints/day=YYYY-MM-DD/part.json`), a Glue table over it with
 * partition projection on `day` (no crawler, no MSCK REPAIR), and an Athena workgroup with encrypted results — what
 * QuickSight needs to read the footprints through Athena.
 */
export class FootprintExport extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  /** Market-based scope 2 per resource and month (`market-based/month=YYYY-MM/`), a table of its own. */
  readonly marketTable: glue.CfnTable;
  readonly workgroup: athena.CfnWorkGroup;
  readonly databaseName: string;
  readonly tableName: string;

  constructor(scope: Construct, id: string, props: FootprintExportProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.databaseName = props.databaseName ?? 'carbonpilot';
    this.tableName = props.tableName ?? 'footprints';

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, // server access logging can only deliver to SSE-S3 buckets
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the server access logs of the export bucket; logging a log bucket would recurse.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: exportBucketName(stack),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'export-bucket/',
      // Parts are overwritten on every export; keep superseded versions briefly for audit, not forever.
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(30) },
        { prefix: 'athena-results/', expiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'CarbonPilot footprint exports' },
    });

    const location = `s3://${this.bucket.bucketName}/${EXPORT_PREFIX}/`;
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'Hourly footprint intervals (location-based kgCO2e, kWh incl. PUE; embodied kgCO2e beside, never summed in) with provenance, one JSON object per line',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'day', type: 'string' }],
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy-MM-dd',
          'projection.day.range': `${props.projectionStartDay ?? '2024-01-01'},NOW`,
          'projection.day.interval': '1',
          'projection.day.interval.unit': 'DAYS',
          'storage.location.template': `${location}day=\${day}/`,
        },
        storageDescriptor: {
          location,
          columns: EXPORT_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'false' } },
        },
      },
    });
    this.table.addResourceDependency(this.database);

    // Market-based scope 2: a separate table (never columns of the location-based rows), partition projection on month.
    const marketLocation = `s3://${this.bucket.bucketName}/${MARKET_EXPORT_PREFIX}/`;
    this.marketTable = new glue.CfnTable(this, 'MarketTable', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: props.marketTableName ?? 'footprints_market_based',
        description: 'Market-based scope 2 per resource and UTC month (GHG Protocol instrument hierarchy, year-to-date allocation), one JSON object per line',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'month', type: 'string' }],
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.month.type': 'date',
          'projection.month.format': 'yyyy-MM',
          'projection.month.range': `${(props.projectionStartDay ?? '2024-01-01').slice(0, 7)},NOW`,
          'projection.month.interval': '1',
          'projection.month.interval.unit': 'MONTHS',
          'storage.location.template': `${marketLocation}month=\${month}/`,
        },
        storageDescriptor: {
          location: marketLocation,
          columns: MARKET_EXPORT_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'false' } },
        },
      },
    });
    this.marketTable.addResourceDependency(this.database);

    this.workgroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workgroupName ?? 'carbonpilot',
      description: 'CarbonPilot footprint queries (QuickSight data source)',
      state: 'ENABLED',
      recursiveDeleteOption: false,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // Bounds the cost of one query (10 GiB scanned); the day partition keeps normal queries far below.
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }

  /** Let a function write export parts (s3:PutObject on footprints/* and market-based/* only) and acknowledge the object wildcards. */
  grantExportWrite(role: iam.IRole): void {
    // Built from the bucket's deterministic name so it reads the same in any stack (no cross-stack export token).
    const stack = Stack.of(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [EXPORT_PREFIX, MARKET_EXPORT_PREFIX].map((p) => `arn:${stack.partition}:s3:::${exportBucketName(stack)}/${p}/*`),
      }),
    );
    for (const [prefix, what] of [[EXPORT_PREFIX, 'one object per UTC day under footprints/day=YYYY-MM-DD/'], [MARKET_EXPORT_PREFIX, 'one object per UTC month under market-based/month=YYYY-MM/']]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::carbonpilot-footprints-<AWS::AccountId>-<AWS::Region>/${prefix}/*]`,
        reason: `The exporter writes ${what}; the keys are not known at deploy time.`,
      });
    }
  }
}
