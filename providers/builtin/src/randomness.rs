//! Randomness from the OS CSPRNG (getrandom), for ids, passwords and secrets alike.

use meshplan_provider::ProviderError;

pub(crate) fn random_bytes(n: usize) -> Result<Vec<u8>, ProviderError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes)
        .map_err(|e| ProviderError::new(format!("the OS random number generator failed: {e}")))?;
    Ok(bytes)
}

/// A uniform index in `0..n` (`n > 0`), by rejection sampling so no index is favoured.
pub(crate) fn random_index(n: usize) -> Result<usize, ProviderError> {
    let n = n as u64;
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let b = random_bytes(8)?;
        let mut word = [0u8; 8];
        word.copy_from_slice(&b);
        let v = u64::from_le_bytes(word);
        if v < zone {
            return Ok((v % n) as usize);
        }
    }
}

/// A random UUID (version 4) in its text form.
pub(crate) fn uuid_v4() -> Result<String, ProviderError> {
    let mut b = random_bytes(16)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(&b);
    Ok(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_the_v4_shape() {
        let u = uuid_v4().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]), "{u}");
        assert_ne!(u, uuid_v4().unwrap());
    }

    #[test]
    fn index_stays_in_range() {
        for n in [1, 2, 7, 62] {
            for _ in 0..200 {
                assert!(random_index(n).unwrap() < n);
            }
        }
    }
}
