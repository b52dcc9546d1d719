// Imported first by the crash test: the AWS SDK's Node-version notice would otherwise interleave with its report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
