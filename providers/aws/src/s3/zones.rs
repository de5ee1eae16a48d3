//! The Route 53 hosted zone of each region's S3 website endpoint (`aws_s3_bucket.hosted_zone_id`),
//! from AWS's published endpoint table; a region not listed has none (null, as in Terraform).

pub fn website_zone(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "Z3AQBSTGFYJSTF",
        "us-east-2" => "Z2O1EMRO9K5GLX",
        "us-west-1" => "Z2F56UZL2M1ACD",
        "us-west-2" => "Z3BJ6K6RIION7M",
        "af-south-1" => "Z83WF9RJE8B12",
        "ap-east-1" => "ZNB98KWMFR0R6",
        "ap-south-1" => "Z11RGJOFQNVJUP",
        "ap-northeast-1" => "Z2M4EHUR26P7ZW",
        "ap-northeast-2" => "Z3W03O7B5YMIYP",
        "ap-northeast-3" => "Z2YQB5RD63NC85",
        "ap-southeast-1" => "Z3O0J2DXBE1FTB",
        "ap-southeast-2" => "Z1WCIGYICN2BYD",
        "ca-central-1" => "Z1QDHH18159H29",
        "eu-central-1" => "Z21DNDUVLTQW6Q",
        "eu-west-1" => "Z1BKCTXD74EZPE",
        "eu-west-2" => "Z3GKZC51ZF0DB4",
        "eu-west-3" => "Z3R1K369G5AVDG",
        "eu-south-1" => "Z30OZKI7KPW7MI",
        "eu-north-1" => "Z3BAZG2TWCNX0D",
        "me-south-1" => "Z1MPMWCPA7YB62",
        "sa-east-1" => "Z7KQH4QJS55SO",
        "us-gov-east-1" => "Z2NIFVYYW2VKV1",
        "us-gov-west-1" => "Z31GFT0UA1I2HV",
        "cn-north-1" => "Z5CN8UMXT92WN",
        "cn-northwest-1" => "Z282HJ1KT0DH03",
        _ => return None,
    })
}
