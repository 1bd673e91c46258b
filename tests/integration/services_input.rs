//! The shared-services input files read and validated together: a valid set loads into the data set with every
//! value where it belongs, functions beyond the built-in list are accepted once `functions.csv` lists them, and a
//! partner's sector comes from `organisations.csv` or, absent, from its kind.

use crate::common::*;
use std::path::Path;

const FUNCTIONS: &str = "function,name,cost_per_fte_gbp,scale_exponent,reference_fte,retained_share,max_hubs,\
sector_rule,setup_gbp,migration_gbp_per_body,redundancy_gbp_per_fte,dual_running_months,cross_sector_vat,poolable\n\
finance,Finance,40000,0.9,20,0.15,2,any,500000,200000,20000,6,,\n\
hr,HR,38000,0.85,25,0.2,1,same_sector,400000,150000,18000,3,0.2,true\n\
it,IT,45000,0.9,20,0.15,2,any,500000,200000,20000,6,,\n\
estates,Estates,35000,1,20,1,0,any,0,0,0,0,,false\n\
revenues_benefits,Revenues and benefits,32000,0.8,30,0.1,1,same_sector,600000,250000,16000,6,,\n";

fn with_services(dir: &Path) {
    copy_dir(&data("tiny"), dir);
    std::fs::write(dir.join("functions.csv"), FUNCTIONS).unwrap();
    std::fs::write(
        dir.join("organisations.csv"),
        "id,name,kind,borough,sector\nT1,Northfield NHS Trust,nhs_trust,Northfield,\n\
         C1,Northfield Council,council,Northfield,council\nG1,Northfield CCG,ccg,Northfield,nhs\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("shared_services.csv"),
        "service,name,function,host,site\nss-hr,Northfield HR service,hr,T1,S2\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("service_members.csv"),
        "service,organisation,fte_pooled\nss-hr,T1,40\nss-hr,G1,12.5\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("teams.csv"),
        "id,organisation,function,headcount,site,movable,service\nT1-fin,T1,finance,90,S1,true,\n\
         T1-hr,T1,hr,60,S2,true,ss-hr\nT1-it,T1,it,80,S2,true,\nC1-fin,C1,revenues_benefits,120,S3,true,\n\
         C1-est,C1,estates,30,S6,true,\nG1-all,G1,finance,70,S5,true,\n",
    )
    .unwrap();
}

#[test]
fn a_valid_shared_services_set_loads_with_every_value_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    with_services(&dir);
    let (code, json) = validate_json(&dir);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["warnings"], 0, "{json}");
    let loaded = consolidate::input::load(&dir, &consolidate::model_config::ModelConfig::default());
    let d = &loaded.dataset;
    assert_eq!(d.functions.len(), 5);
    let hr = &d.functions[1];
    assert_eq!(
        (hr.scale_exponent, hr.reference_fte, hr.retained_share),
        (0.85, 25.0, 0.2)
    );
    assert_eq!(hr.sector_rule, consolidate::domain::SectorRule::SameSector);
    // cross_sector_vat and poolable default to 0.2 and true when empty.
    assert_eq!(
        (d.functions[0].cross_sector_vat, d.functions[0].poolable),
        (0.2, true)
    );
    assert!(!d.functions[3].poolable);
    assert_eq!(d.services.len(), 1);
    assert_eq!(
        (
            d.services[0].function,
            d.site(d.services[0].site).id.as_str()
        ),
        (1, "S2")
    );
    let members: Vec<f64> = d.service_members.iter().map(|m| m.fte_pooled).collect();
    assert_eq!(members, [40.0, 12.5]);
    assert_eq!(d.teams[1].service, Some(0));
    assert_eq!(d.teams[3].function.0, "revenues_benefits");
    // The trust's empty sector cell falls back to its kind.
    use consolidate::domain::Sector;
    let sectors: Vec<Sector> = d.organisations.iter().map(|o| o.sector).collect();
    assert_eq!(sectors, [Sector::Nhs, Sector::Council, Sector::Nhs]);
}

#[test]
fn without_functions_csv_a_function_beyond_the_built_in_list_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    with_services(&dir);
    std::fs::remove_file(dir.join("functions.csv")).unwrap();
    std::fs::remove_file(dir.join("shared_services.csv")).unwrap();
    std::fs::remove_file(dir.join("service_members.csv")).unwrap();
    let teams = std::fs::read_to_string(dir.join("teams.csv")).unwrap();
    std::fs::write(dir.join("teams.csv"), teams.replace(",ss-hr", ",")).unwrap();
    let (code, json) = validate_json(&dir);
    assert_eq!(code, 2, "{json}");
    let f = &json["findings"][0];
    assert_eq!(
        (f["code"].as_str(), f["row"].as_u64()),
        (Some("E1014"), Some(5)),
        "{json}"
    );
}
